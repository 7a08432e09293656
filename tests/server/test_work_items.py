"""Callback requests and offline messages as work items, over the real API: a visitor asks, every
desk hears of it, an operator claims, calls (on the phone, never also on chat) and finishes it."""
from __future__ import annotations

from tests.support.api import Operator, operators
from tests.support.stream import live_stream
from tests.support.visitor import Visitor


def about(rid: int, type_: str):
    return lambda f: f["type"] == type_ and f["data"].get("request", {}).get("id") == rid


async def ask_callback(visitor: Visitor, **fields) -> dict:
    body = {"kind": "callback", "channel": "phone", "name": "Kari", "phone": "+47 912 34 567",
            "preferred_time": "after 5 pm", "message": "About my order", **fields}
    return await visitor.call("POST", "/visitor/requests", body)


async def test_a_callback_is_claimed_called_and_done_and_every_desk_hears(shared_server):
    ana, bo = await operators(shared_server, "ana", "bo")
    desk = await live_stream(shared_server, bo.token)
    visitor = await Visitor(shared_server).arrive()
    made = await ask_callback(visitor)
    assert made["kind"] == "callback" and made["state"] == "open" and made["created_at"] > 0
    rid = made["id"]

    created = await desk.next(about(rid, "request.created"))
    assert created["data"]["request"]["phone"] == "+47 912 34 567"
    listed = {i["id"]: i for i in (await ana.ok("GET", "/requests?state=open&limit=1000"))["items"]}
    item = listed[rid]
    assert (item["name"], item["preferred_time"], item["message"]) == ("Kari", "after 5 pm", "About my order")
    assert item["visitor_id"] == visitor.id and item["conversation_id"] is None and item["created_by"] == "visitor"

    claimed = await ana.ok("POST", f"/requests/{rid}/claim")
    assert claimed["state"] == "claimed" and claimed["claimed_by"] == ana.id and claimed["claimed_by_name"] == "Ana"
    assert (await desk.next(about(rid, "request.updated")))["data"]["request"]["state"] == "claimed"
    mine = [i["id"] for i in (await ana.ok("GET", "/requests?state=mine"))["items"]]
    assert rid in mine and rid not in [i["id"] for i in (await bo.ok("GET", "/requests?state=mine"))["items"]]

    called = await ana.ok("POST", f"/requests/{rid}/call")
    assert called["operator"]["status"] == "on_phone" and called["calling_since"]
    assert (await desk.next(about(rid, "request.updated")))["data"]["request"]["calling_since"]
    statuses = [f["data"]["operator"]["status"] for f in desk.frames
                if f["type"] == "operator.status" and f["data"]["operator"]["id"] == ana.id]
    assert statuses == ["on_phone"]

    finished = await ana.ok("POST", f"/requests/{rid}/done", {"note": "Called, order re-sent."})
    assert finished["state"] == "done" and finished["done_note"] == "Called, order re-sent." and finished["done_at"]
    assert (await ana.ok("GET", "/me"))["status"] == "online"
    assert (await desk.next(about(rid, "request.updated")))["data"]["request"]["state"] == "done"
    assert rid in [i["id"] for i in (await ana.ok("GET", "/requests?state=done"))["items"]]
    assert rid not in [i["id"] for i in (await ana.ok("GET", "/requests?state=pending&limit=1000"))["items"]]
    await desk.close()


async def test_the_chosen_channel_needs_its_contact_and_an_offline_message_its_text(shared_server):
    visitor = await Visitor(shared_server).arrive()
    r = await visitor.post("/visitor/requests", {"kind": "callback", "channel": "phone", "email": "k@x.no"})
    assert r.status_code == 422 and r.json()["message"] == "Give a phone number for a call back, or choose e-mail."
    r = await visitor.post("/visitor/requests", {"kind": "offline", "channel": "email", "phone": "123"})
    assert r.status_code == 422 and "e-mail address" in r.json()["message"]
    r = await visitor.post("/visitor/requests", {"kind": "offline", "channel": "email", "email": "k@x.no"})
    assert r.status_code == 422 and r.json()["message"] == "Write the message you would like us to answer."
    r = await visitor.post("/visitor/requests", {"kind": "visit", "channel": "email", "email": "k@x.no"})
    assert r.status_code == 422 and r.json()["message"].startswith("The field 'kind' is not valid")
    r = await visitor.post("/visitor/requests", {"kind": "callback", "channel": "phone", "phone": "1",
                                                 "preferred_time": "x" * 81})
    assert r.status_code == 422 and "preferred_time" in r.json()["message"]
    anonymous = Visitor(shared_server)
    r = await anonymous.post("/visitor/requests", {"kind": "callback", "channel": "phone", "phone": "1"})
    assert r.status_code == 401


async def test_a_request_names_only_the_visitors_own_chat(shared_server):
    owner, other = await Visitor(shared_server).arrive(), await Visitor(shared_server).arrive()
    cid = await owner.start_chat("Hello")
    r = await other.post("/visitor/requests", {"kind": "offline", "channel": "email", "email": "o@x.no",
                                               "message": "Hi", "conversation_id": cid})
    assert r.status_code == 404 and r.json()["message"] == f"There is no conversation {cid} for this visitor."
    made = await owner.call("POST", "/visitor/requests", {"kind": "offline", "channel": "email", "email": "w@x.no",
                                                         "message": "Still there?", "conversation_id": cid})
    ana = await Operator.create(shared_server, "ana@example.com")
    assert (await ana.ok("GET", f"/requests/{made['id']}"))["conversation_id"] == cid


async def test_a_call_is_refused_while_holding_chats_and_only_the_claimer_acts(shared_server):
    ana, bo = await operators(shared_server, "ana", "bo")
    visitor = await Visitor(shared_server).arrive()
    rid = (await ask_callback(visitor))["id"]
    chatter = await Visitor(shared_server).arrive()
    cid = await chatter.start_chat("Help")
    assert (await ana.accept(cid)).status_code == 200

    r = await ana.post(f"/requests/{rid}/call")
    assert r.status_code == 409
    assert r.json()["message"] == "You still hold 1 chat: transfer or close them before going on the phone."
    assert (await ana.ok("GET", f"/requests/{rid}"))["state"] == "open"     # nothing half-done
    assert (await ana.ok("GET", "/me"))["status"] == "online"

    await ana.ok("POST", f"/requests/{rid}/claim")
    r = await bo.post(f"/requests/{rid}/claim")
    assert r.status_code == 409 and r.json()["message"] == "Ana has claimed this request already."
    r = await bo.post(f"/requests/{rid}/done", {"note": "?"})
    assert r.status_code == 409 and r.json()["message"] == "Ana has claimed this request; only they can mark done it."
    released = await ana.ok("POST", f"/requests/{rid}/release")
    assert released["state"] == "open" and released["claimed_by"] is None
    assert (await bo.ok("POST", f"/requests/{rid}/call"))["claimed_by"] == bo.id
    await bo.ok("POST", f"/requests/{rid}/release")
    assert (await bo.ok("GET", "/me"))["status"] == "online"      # released: back to chat

    mail = await visitor.call("POST", "/visitor/requests", {"kind": "offline", "channel": "email",
                                                            "email": "k@x.no", "message": "Invoice?"})
    r = await bo.post(f"/requests/{mail['id']}/call")
    assert r.status_code == 409 and r.json()["message"].startswith("This request asks for an answer by e-mail (k@x.no)")
    r = await bo.post("/requests/999999999/claim")
    assert r.status_code == 404 and r.json()["message"] == "There is no request 999999999."


async def test_the_f6_callback_in_a_chat_becomes_a_work_item(shared_server):
    ana = await Operator.create(shared_server, "ana@example.com", name="Ana")
    visitor = await Visitor(shared_server).arrive()
    cid = await visitor.start_chat("Call me please", name="Ines")
    await ana.accept(cid)
    await ana.ok("POST", f"/conversations/{cid}/callback", {"channel": "phone", "value": "+351 21 000",
                                                            "note": "tomorrow 10:00, about the invoice"})
    items = [i for i in (await ana.ok("GET", "/requests?state=open&limit=1000"))["items"]
             if i["conversation_id"] == cid]
    assert len(items) == 1
    item = items[0]
    assert (item["kind"], item["channel"], item["phone"], item["name"]) == ("callback", "phone", "+351 21 000", "Ines")
    assert item["created_by"] == "Ana" and item["preferred_time"] == "tomorrow 10:00, about the invoice"
    assert item["due_at"] > item["created_at"]          # tomorrow at 10:00


async def test_one_visitor_cannot_pile_up_requests(server_factory):
    srv = server_factory("--requests-per-visitor", "2", "--new-requests-per-address", "4")
    visitor = await Visitor(srv).arrive()
    for _ in range(2):
        await ask_callback(visitor)
    r = await visitor.post("/visitor/requests", {"kind": "callback", "channel": "phone", "phone": "1"})
    assert r.status_code == 429 and r.json()["message"].startswith("You already have 2 requests waiting")
    others = [await Visitor(srv).arrive() for _ in range(3)]
    answers = [await o.post("/visitor/requests", {"kind": "callback", "channel": "phone", "phone": "1"})
               for o in others]
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert answers[-1].json()["message"].startswith("Too many requests from this address")
    assert int(answers[-1].headers["retry-after"]) >= 1


async def test_the_board_counts_open_and_overdue_requests(server_factory):
    srv = server_factory("--request-due", "0")       # no time given: overdue at once
    sam = await Operator.create(srv, "sam@example.com", name="Sam", role="supervisor")
    visitor = await Visitor(srv).arrive()
    late = await visitor.call("POST", "/visitor/requests", {"kind": "offline", "channel": "email",
                                                            "email": "k@x.no", "message": "Hello?"})
    await ask_callback(visitor, preferred_time="tomorrow 9:00")           # due tomorrow: not late
    board = await sam.ok("GET", "/board")
    assert board["requests_open"] == 2 and board["requests_overdue"] == 1
    assert [i["id"] for i in board["overdue_requests"]] == [late["id"]] and board["overdue_requests"][0]["overdue"]
    await sam.ok("POST", f"/requests/{late['id']}/done", {"note": "Answered by mail"})
    board = await sam.ok("GET", "/board")
    assert (board["requests_open"], board["requests_overdue"], board["overdue_requests"]) == (1, 0, [])
