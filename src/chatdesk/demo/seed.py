"""Demo data, put in through the real REST API as a shop would: operators, canned replies, and a few
returning visitors with past conversations, summaries and notes."""
from __future__ import annotations

import uuid

import httpx

from chatdesk.protocol.limits import API_PREFIX

PASSWORD = "demo-password"
DEMO_OPERATOR = "dana@demo.chatdesk"

# email, name, role, max_chats, departments
STAFF = [
    (DEMO_OPERATOR, "Dana Park", "operator", 4, ("sales", "support")),
    ("omar@demo.chatdesk", "Omar Reyes", "operator", 4, ("support",)),
    ("nico@demo.chatdesk", "Nico Brandt", "operator", 2, ("sales",)),
    ("sam@demo.chatdesk", "Sam Okafor", "supervisor", 4, ("sales", "support")),
    ("tess@demo.chatdesk", "Tess Lindqvist", "trainer", 4, ("sales", "support")),
    ("lee@demo.chatdesk", "Lee Novak", "operator", 2, ("support",)),
]
NOVICE = "lee@demo.chatdesk"      # in approval mode: a trainer approves each message first
SUPERVISOR = "sam@demo.chatdesk"
TRAINER = "tess@demo.chatdesk"
# `chatdesk demo --as ROLE`: who the desk signs in as
ROLES = {"operator": DEMO_OPERATOR, "supervisor": SUPERVISOR, "trainer": TRAINER, "novice": NOVICE}

CANNED = [
    ("hi", "Greeting", "Hi {visitor.name}, I'm {operator.name}. How can I help you today?", ["greeting"]),
    ("back", "Welcome back", "Welcome back, {visitor.name}! Good to see you again. Is this about your "
     "last order, or something new?", ["greeting", "returning"]),
    ("check", "Checking", "One moment, I am checking that for you.", ["status"]),
    ("ship", "Shipping times", "Orders placed before 2 pm ship the same day. Standard delivery takes 2-3 "
     "working days, express arrives the next working day.", ["shipping"]),
    ("returns", "Returns", "You can return anything within 30 days. Start it from your order page and "
     "print the free label; the refund follows within 5 days of arrival.", ["returns"]),
    ("size", "Size advice", "Our {page.title} runs true to size. If you are between two sizes, take the "
     "larger one.", ["sizes", "product"]),
    ("code", "Discount code", "Here is a code for 10% off your first order: {discount.code}", ["sales"]),
    ("phone", "Offer a call", "This is easier by phone. May I call you? Just leave your number and a "
     "good time.", ["callback"]),
    ("busy", "Everyone busy", "Thanks for waiting, {visitor.name}. All of us are with other customers; "
     "I will be with you in a minute.", ["queue"]),
    ("hours", "Opening hours", "We are on chat Monday to Friday, 8 am to 8 pm, and Saturday 9 am to 2 pm.",
     ["hours"]),
    ("bye", "Goodbye", "Thanks for chatting, {visitor.name}! Have a lovely day.", ["closing"]),
]

# name, pages seen, first line, operator reply, summary, tags, note
HISTORY = [
    ("Ines Moreau", [("/shop/", "Home — Northwind Outfitters"), ("/shop/product.html", "Trail Jacket — Northwind Outfitters")],
     "Does the trail jacket come in petite sizes?", "It does, from XS. I've sent you the size chart.",
     "Asked about petite sizes for the trail jacket. Sent the size chart; likely to order XS.",
     ["sizes", "product"], "Prefers e-mail. Bought hiking boots last spring."),
    ("Tom Becker", [("/shop/shipping.html", "Shipping — Northwind Outfitters")],
     "My parcel hasn't arrived, order 10432.", "It was delayed at the depot; it arrives tomorrow.",
     "Late parcel, order 10432, delayed at the depot. Promised delivery next day.",
     ["shipping", "complaint"], "Had a late delivery once: be generous with express shipping."),
    ("Mei Tanaka", [("/shop/checkout.html", "Checkout — Northwind Outfitters")],
     "The discount code from the newsletter doesn't work.", "Fixed: the code was for orders over 50.",
     "Newsletter code rejected at checkout; explained the 50 minimum. Ordered afterwards.",
     ["sales", "checkout"], "Wholesale interest: hand to sales if she asks about bulk orders."),
]


def _id() -> str:
    return uuid.uuid4().hex


# Requests left on the site's forms, waiting in the work list (ctrl+l): kind, channel, name,
# contact, preferred time, message.
WORK = [
    ("callback", "phone", "Tom Becker", "+49 30 1234 5678", "after 5 pm",
     "The replacement parcel for order 10432: can someone call me about the delivery day?"),
    ("offline", "email", "Ada Lind", "ada.lind@example.com", "",
     "Do you make the Trail Jacket in a tall fit? Nobody was on chat when I asked."),
]


def seed(base_url: str) -> dict[str, str]:
    """Seed a running server. Returns visitor ids by name (for the returning-visitor opener)."""
    with httpx.Client(base_url=base_url + API_PREFIX, timeout=10) as http:
        token = http.post("/auth/login", json={"email": DEMO_OPERATOR, "password": PASSWORD}).json()["token"]
        op = {"Authorization": f"Bearer {token}"}
        existing = {c["shortcut"] for c in http.get("/canned", headers=op).json()["canned"]}
        for shortcut, title, body, tags in CANNED:
            if shortcut in existing:
                continue
            http.post("/canned", json={"shortcut": shortcut, "title": title, "body": body,
                                       "tags": tags, "shared": True}, headers=op).raise_for_status()
        visitors: dict[str, str] = {}
        for name, pages, first, reply, summary, tags, note in HISTORY:
            url, title = pages[0]
            s = http.post("/visitor/sessions", json={"url": base_url + url, "title": title,
                                                     "referrer": "https://www.example-search.com/"}).json()
            vis = {"Authorization": f"Bearer {s['visitor_token']}"}
            for url, title in pages[1:]:
                http.post("/visitor/pageviews", json={"url": base_url + url, "title": title}, headers=vis)
            conv = http.post("/visitor/conversations", json={"client_msg_id": _id(), "body": first,
                                                             "name": name}, headers=vis).json()
            cid = conv["conversation"]["id"] if "conversation" in conv else conv["id"]
            http.post(f"/conversations/{cid}/accept", headers=op).raise_for_status()
            http.post(f"/conversations/{cid}/messages", json={"client_msg_id": _id(), "body": reply,
                                                              "kind": "text"}, headers=op).raise_for_status()
            http.post(f"/conversations/{cid}/close", json={"summary": summary, "tags": tags},
                      headers=op).raise_for_status()
            http.post(f"/visitors/{s['visitor_id']}/notes", json={"body": note}, headers=op).raise_for_status()
            visitors[name] = s["visitor_id"]
        http.post("/auth/logout", headers=op)
        _make_novice(http)
        _leave_requests(http, base_url)
        return visitors


def _leave_requests(http: httpx.Client, base_url: str) -> None:
    for kind, channel, name, contact, when, message in WORK:
        s = http.post("/visitor/sessions", json={"url": base_url + "/shop/", "title": "Home — Northwind Outfitters",
                                                 "referrer": ""}).json()
        body = {"kind": kind, "channel": channel, "name": name, channel if channel == "phone" else "email": contact,
                "preferred_time": when, "message": message}
        http.post("/visitor/requests", json=body,
                  headers={"Authorization": f"Bearer {s['visitor_token']}"}).raise_for_status()


def _make_novice(http: httpx.Client) -> None:
    token = http.post("/auth/login", json={"email": TRAINER, "password": PASSWORD}).json()["token"]
    staff = {"Authorization": f"Bearer {token}"}
    people = http.get("/operators", headers=staff).json()["operators"]
    novice = next(p for p in people if p["email"] == NOVICE)
    http.patch(f"/operators/{novice['id']}", json={"novice": True, "approval_required": True},
               headers=staff).raise_for_status()
    http.post("/auth/logout", headers=staff)


def colleagues_of(role: str) -> tuple[list[str], str | None]:
    """The operators the demo runs for the person at the desk as `role`, and a simulated trainer
    who approves the novice's messages (when the person at the desk is not the trainer)."""
    me = ROLES[role]
    operators = [email for email, _, r, _, _ in STAFF if r == "operator" and email != me]
    return operators, None if role == "trainer" else TRAINER


def accounts_text(url: str, role: str) -> list[str]:
    """What the demo prints before the desk starts and F1 shows: the server and every account."""
    me = ROLES[role]
    lines = [f"Demo server: {url}   shop: {url}/shop/", f"Password for every account: {PASSWORD}"]
    for email, name, r, _cap, _ in STAFF:
        kind = "novice" if email == NOVICE else r
        mark = "  <- you" if email == me else ""
        lines.append(f"  {kind:<10} {name:<15} {email}{mark}")
    lines.append("Another role: chatdesk demo --as operator|supervisor|trainer|novice")
    return lines


# Visitors already waiting when the demo opens, so colleagues have chats from the first minute:
# name, page, first line, the simulator's topic they go on with.
WARM = [
    ("Maya", ("/shop/shipping.html", "Shipping — Northwind Outfitters"), "Hi, how long does shipping to Germany take?",
     "shipping"),
    ("Jonas", ("/shop/product.html", "Trail Runner 2 — Northwind Outfitters"), "Do the Trail Runner 2 run small?",
     "sizes"),
]
TOPIC_OF = {name: topic for name, _, _, topic in WARM} | {"Ines Moreau": "sizes"}


def warm_chats(base_url: str) -> dict[str, str]:
    """Open the WARM visitors' chats; returns their visitor ids by name."""
    out: dict[str, str] = {}
    with httpx.Client(base_url=base_url + API_PREFIX, timeout=10) as http:
        for name, (url, title), first, _topic in WARM:
            s = http.post("/visitor/sessions", json={"url": base_url + url, "title": title, "referrer": ""}).json()
            vis = {"Authorization": f"Bearer {s['visitor_token']}"}
            http.post("/visitor/conversations", json={"client_msg_id": _id(), "body": first, "name": name},
                      headers=vis).raise_for_status()
            out[name] = s["visitor_id"]
    return out


def returning_visitor_opens_chat(base_url: str, visitor_id: str, body: str) -> None:
    """A returning visitor comes back and writes: the queue shows the returning mark."""
    with httpx.Client(base_url=base_url + API_PREFIX, timeout=10) as http:
        s = http.post("/visitor/sessions", json={"visitor_id": visitor_id, "url": base_url + "/shop/",
                                                 "title": "Home — Northwind Outfitters",
                                                 "referrer": "newsletter"}).json()
        vis = {"Authorization": f"Bearer {s['visitor_token']}"}
        http.post("/visitor/pageviews", json={"url": base_url + "/shop/product.html",
                                              "title": "Trail Jacket — Northwind Outfitters"}, headers=vis)
        http.post("/visitor/conversations", json={"client_msg_id": _id(), "body": body}, headers=vis)
