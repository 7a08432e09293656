"""The whole hostile text corpus through every entry point a visitor controls: message bodies (the
first one, at /visitor/conversations, and later ones), the pre-chat name and e-mail, and the page
URL, title and referrer both at /visitor/sessions and at /visitor/pageviews.

For each payload and each field the answer is a 2xx or a 4xx `{"error", "message"}` whose message
is a sentence, never a 5xx; a refusal happens only past the field's length limit; and what was
accepted is what the operator's REST view (GET /api/v1/visitors/{id}, GET /api/v1/conversations/{id})
holds, byte for byte: the server stores, the desk cleans at display.

To stay quick (one server with its rate limits off, a dozen requests in flight), a payload goes into
all the fields of one request at once (name, e-mail and first message together; URL, title and
referrer together); when that request is refused, the payload is sent again one field at a time, so
each refusal is that field's own. (Bodies that are not JSON or not of the right shape:
test_hostile_input.py. The operator's fields: security/test_operator_fields.py.)"""
from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest

from chatdesk.protocol.limits import MAX_BODY, MAX_NAME, MAX_TITLE, MAX_URL
from chatdesk.protocol.requests import MAX_EMAIL
from tests.support.api import Api, Operator, new_id
from tests.support.hostile import text_payloads
from tests.support.visitor import Visitor

PAYLOADS = text_payloads()
SHOP = "https://shop.example/"
IN_FLIGHT = 12          # requests at once: enough to overlap the server's work, not a flood
LANES = 8               # visitors sharing the pre-chat fields (each one's name is set in turn)


def _is_sentence(text: str) -> bool:
    return len(text.split()) >= 3 and text[:1].isupper() and text.rstrip()[-1:] in ".!?"


@dataclass
class EntryPoint:
    """What one entry point made of the corpus: stored exactly, refused (4xx), 5xx, stored wrongly."""
    label: str
    limit: int
    tried: int = 0
    stored: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    accepted: dict[str, str] = field(default_factory=dict)   # payload name -> text, to read back

    def answer(self, r, name: str, text: str) -> bool:
        """Sorts one answer; True when it was accepted (then the caller checks what was stored)."""
        self.tried += 1
        if r.status_code >= 500:
            self.server_errors.append(f"{name}: {r.status_code} {r.text[:120]}")
            return False
        if r.status_code >= 400:
            body = r.json()
            if set(body) != {"error", "message"} or not _is_sentence(body["message"]):
                self.wrong.append(f"{name}: refused without a sentence: {r.status_code} {body}")
            elif r.status_code != 422 or len(text) <= self.limit:
                self.wrong.append(f"{name}: {len(text)} chars refused: {r.status_code} {body}")
            self.refused.append(name)
            return False
        assert 200 <= r.status_code < 300, f"{self.label} {name}: {r.status_code}"
        self.accepted[name] = text
        return True

    def stored_as(self, name: str, text: str, *got: str) -> None:
        if all(g == text for g in got):
            self.stored.append(name)
        else:
            self.wrong.append(f"{name}: sent {text[:40]!r}, stored {[str(g)[:40] for g in got]!r}")


@pytest.mark.timeout(360)   # a hang guard: the corpus through every field is minutes on a loaded 2-core machine
async def test_every_visitor_field_stores_hostile_text_exactly_or_refuses_it_with_a_4xx(server_factory):
    srv = server_factory("--visitor-rate", "0", "--address-rate", "0", "--visitor-timeout", "100000")
    sue = await Operator.create(srv, "sue@example.com", role="supervisor", max_chats=50)
    anon = Api(srv)
    gate = asyncio.Semaphore(IN_FLIGHT)
    started, requests = time.monotonic(), Counter()

    async def call(coro):
        requests["sent"] += 1
        async with gate:
            return await coro

    async def visitor_view(vid: str) -> dict:
        r = await call(sue.get(f"/visitors/{vid}"))
        assert r.status_code == 200, r.text
        return r.json()

    points = {key: EntryPoint(label, limit) for key, label, limit in [
        ("start", "first message (POST /visitor/conversations body)", MAX_BODY),
        ("name", "name (POST /visitor/conversations)", MAX_NAME),
        ("email", "e-mail (POST /visitor/conversations)", MAX_EMAIL),
        ("message", "message (POST /visitor/conversations/{id}/messages)", MAX_BODY),
        ("s_url", "URL (POST /visitor/sessions)", MAX_URL),
        ("s_title", "page title (POST /visitor/sessions)", MAX_TITLE),
        ("s_referrer", "referrer (POST /visitor/sessions)", MAX_URL),
        ("p_url", "URL (POST /visitor/pageviews)", MAX_URL),
        ("p_title", "page title (POST /visitor/pageviews)", MAX_TITLE),
        ("p_referrer", "referrer (POST /visitor/pageviews)", MAX_URL),
    ]}

    async def attempt(keys: tuple[str, ...], name: str, text: str, send) -> None:
        """send(keys) puts `text` into those fields and returns the answer and, for the fields read
        back at once, {key: [values the operator sees]}; the others are checked at the end. A refused
        request is sent again field by field."""
        r, stored = await send(keys)
        if 400 <= r.status_code < 500 and len(keys) > 1:
            requests["refused together"] += 1
            for key in keys:       # in turn: a contact lane's visitor holds one name at a time
                await attempt((key,), name, text, send)
            return
        for key in keys:
            if points[key].answer(r, name, text) and stored and key in stored:
                points[key].stored_as(name, text, *stored[key])

    end_checks: dict[str, list[tuple[str, str, str]]] = {}   # message id or page URL -> (key, name, text)

    # Pre-chat name, e-mail and first message: a few visitors, each takes its share of the corpus one
    # payload after another (a visitor holds one name at a time) and is read back after each.
    lane_chats: list[int] = []

    async def contact_lane(share: list[tuple[str, str]]) -> None:
        v = await Visitor(srv).arrive(url="")
        for name, text in share:
            async def send(keys, name=name, text=text):
                msg_id = new_id()
                fields = {"client_msg_id": msg_id, "body": text if "start" in keys else "hi",
                          **{k: text for k in keys if k != "start"}}
                r = await call(v.post("/visitor/conversations", fields))
                if r.status_code >= 300:
                    return r, None
                if r.json()["conversation"]["id"] not in lane_chats:
                    lane_chats.append(r.json()["conversation"]["id"])
                if "start" in keys:
                    end_checks[msg_id] = [("start", name, text)]
                if keys == ("start",):
                    return r, None
                seen = await visitor_view(v.id)
                return r, {"email": [seen["email"]], "name": [seen["name"], r.json()["message"]["author_name"]]}
            await attempt(("start", "name", "email"), name, text, send)
        await v.close()

    # Later messages: one open chat takes them all; read once at the end.
    chatter = await Visitor(srv).arrive(url="")
    cid = await chatter.start_chat("hello")

    async def later_message(name: str, text: str) -> None:
        async def send(keys):
            msg_id = new_id()
            r = await call(chatter.post(f"/visitor/conversations/{cid}/messages",
                                        {"client_msg_id": msg_id, "body": text}))
            end_checks[msg_id] = [("message", name, text)]
            return r, None
        await attempt(("message",), name, text, send)

    # Sessions: each request is a new visitor's first page, read back at once.
    async def session(name: str, text: str) -> None:
        async def send(keys):
            fields = {"url": SHOP, "title": "Shop", "referrer": "", **{k[2:]: text for k in keys}}
            r = await call(anon.post("/visitor/sessions", fields))
            if r.status_code >= 300:
                return r, None
            v = await visitor_view(r.json()["visitor_id"])
            pv = v["pageviews"][0] if v["pageviews"] else {}
            return r, {"s_url": [v["current_url"], pv.get("url")], "s_title": [v["current_title"], pv.get("title")],
                       "s_referrer": [v["referrer"], pv.get("referrer")]}
        await attempt(("s_url", "s_title", "s_referrer"), name, text, send)

    # Page views: one visitor takes them all (the corpus's texts are distinct, so a page view is
    # found again by its URL: the payload itself, or a tag when the URL is not under test).
    viewer = await Visitor(srv).arrive(url="")

    async def pageview(i: int, name: str, text: str) -> None:
        async def send(keys):
            url = text if "p_url" in keys else f"{SHOP}p{i}/{'+'.join(keys)}"
            fields = {"url": url, "title": "Shop", "referrer": "", **{k[2:]: text for k in keys}}
            r = await call(viewer.post("/visitor/pageviews", fields))
            end_checks[url] = [(k, name, text) for k in keys]
            requests["page views stored"] += r.status_code < 300
            return r, None
        await attempt(("p_url", "p_title", "p_referrer"), name, text, send)

    jobs = [contact_lane(PAYLOADS[k::LANES]) for k in range(LANES)]
    for i, (name, text) in enumerate(PAYLOADS):
        jobs += [later_message(name, text), session(name, text), pageview(i, name, text)]
    await asyncio.gather(*jobs)

    # The read-backs left for the end: message bodies by client_msg_id, page views by URL.
    bodies = {}
    for chat in [cid, *lane_chats]:
        r = await call(sue.detail(chat))
        bodies.update({m["client_msg_id"]: m["body"] for m in r.json()["messages"] if m["client_msg_id"]})
    pageviews = (await visitor_view(viewer.id))["pageviews"]
    assert len(pageviews) == requests["page views stored"]
    journey = {p["url"]: p for p in pageviews}
    for ref, checks in end_checks.items():
        for key, name, text in checks:
            if name not in points[key].accepted:
                continue
            if key in ("start", "message"):
                points[key].stored_as(name, text, bodies.get(ref, "<missing>"))
            else:
                points[key].stored_as(name, text, journey.get(ref, {}).get(key[2:], "<missing>"))
    await asyncio.gather(chatter.close(), viewer.close(), anon.close())
    elapsed = time.monotonic() - started

    print(f"\n{len(PAYLOADS)} payloads through {len(points)} visitor entry points: {requests['sent']} requests"
          f" ({requests['refused together']} refused together, then sent field by field) in {elapsed:.1f} s")
    for p in points.values():
        print(f"  {p.label}: {p.tried} tried, {len(p.stored)} stored exactly, {len(p.refused)} refused (4xx),"
              f" {len(p.server_errors)} 5xx")
    for p in points.values():
        assert p.server_errors == [], (p.label, p.server_errors[:5])
        assert p.wrong == [], (p.label, p.wrong[:5])
        assert p.tried == len(PAYLOADS) == len(p.stored) + len(p.refused), p.label
        assert sorted(p.refused) == sorted(n for n, t in PAYLOADS if len(t) > p.limit), p.label
    assert (await sue.get("/health")).status_code == 200
    await sue.close()


async def test_the_pre_chat_email_is_kept_as_written_up_to_its_limit(shared_server):
    sue = await Operator.create(shared_server, "sue@example.com", role="supervisor")
    v = await Visitor(shared_server).arrive()

    async def start(**fields):
        return await v.post("/visitor/conversations", {"client_msg_id": new_id(), "body": "hi", **fields})

    async def email() -> str:
        return (await sue.ok("GET", f"/visitors/{v.id}"))["email"]

    at_limit = "a" * (MAX_EMAIL - len("@example.com")) + "@example.com"
    r = await start(email=at_limit + "x")
    assert r.status_code == 422 and r.json()["error"] == "invalid" and "'email'" in r.json()["message"]
    assert await email() == ""
    assert (await start(email=at_limit, name="Ada")).status_code == 201
    assert await email() == at_limit
    assert (await start(email="")).status_code == 201          # an empty field changes nothing, like the name
    assert await email() == at_limit
    assert (await start(email="ada at example dot com")).status_code == 201   # free text, like the operator's
    assert await email() == "ada at example dot com"
    await asyncio.gather(v.close(), sue.close())
