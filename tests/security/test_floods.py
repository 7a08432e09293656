"""Floods (docs/security.md): a login flood is refused with 429 before it costs a hash while a
correct login still works; one address cannot hold more than the configured number of open chats
nor open more than the configured number a minute; GET /queue and GET /desk stay one page long
with thousands waiting. Real server over real HTTP; seeded rows go through real SQLite."""
from __future__ import annotations

import asyncio
import uuid

from chatdesk.protocol.limits import QUEUE_PAGE
from tests.support.addresses import from_address
from tests.support.api import Api, Operator, new_id
from tests.support.seed_queue import seed_queue
from tests.support.visitor import Visitor


def _assert_refusal(r, words: str) -> None:
    assert r.status_code == 429, r.text
    body = r.json()
    assert body["error"] == "rate_limited" and words in body["message"] and body["message"].endswith(".")
    assert int(r.headers["retry-after"]) >= 1


async def test_a_login_flood_gets_429s_and_a_correct_login_still_works(server_factory):
    srv = server_factory("--login-per-address", "4", "--login-waiting", "10")
    srv.add_user("ana@example.com", "Ana")
    flood = Api(srv)
    answers: list = []

    async def flooder() -> None:
        for _ in range(3):
            answers.append(await flood.post("/auth/login", {"email": f"{uuid.uuid4().hex}@example.com",
                                                            "password": "guess"}))

    flooding = asyncio.gather(*(flooder() for _ in range(30)))
    await asyncio.sleep(0.2)                  # the flood is under way when the owner logs in
    owner = from_address(Api(srv))
    r = await owner.post("/auth/login", {"email": "ana@example.com", "password": "secret-pass-1"})
    assert r.status_code == 200, r.text       # from another address: the flood's caps are not hers
    await flooding
    codes = sorted({a.status_code for a in answers})
    assert codes == [401, 429], codes
    refused = [a for a in answers if a.status_code == 429]
    assert len(refused) > len(answers) // 2   # most of the flood never reached a hash
    _assert_refusal(refused[0], "logins")
    # No lockout: once the flood is over the same address gets in with the right password.
    r = await flood.post("/auth/login", {"email": "ana@example.com", "password": "secret-pass-1"})
    assert r.status_code == 200, r.text
    await flood.close()
    await owner.close()


async def test_one_address_cannot_hold_more_than_its_open_chats(server_factory):
    srv = server_factory("--chats-per-address", "3", "--new-chats-per-address", "0",
                         "--new-chats-per-visitor", "0")
    ana = await Operator.create(srv, "ana@example.com")
    visitors = [await Visitor(srv).arrive() for _ in range(6)]
    answers = await asyncio.gather(*(v.post("/visitor/conversations", {"client_msg_id": new_id(), "body": "hi"})
                                     for v in visitors))      # at once: no two slip under the cap
    assert sorted(r.status_code for r in answers) == [201] * 3 + [429] * 3
    _assert_refusal(next(r for r in answers if r.status_code == 429), "already has 3 open chats")
    assert len(await ana.queue_ids()) == 3
    # The chats already open work as before: writing again joins the visitor's open chat.
    opener = visitors[[r.status_code for r in answers].index(201)]
    again = await opener.post("/visitor/conversations", {"client_msg_id": new_id(), "body": "still there?"})
    assert again.status_code == 201
    # Another address is not affected.
    elsewhere = from_address(Visitor(srv))
    await elsewhere.arrive()
    assert (await elsewhere.post("/visitor/conversations", {"client_msg_id": new_id(), "body": "hi"})).status_code == 201
    # A chat that ends frees its place.
    cid = again.json()["conversation"]["id"]
    assert (await opener.post(f"/visitor/conversations/{cid}/close")).status_code == 200
    waiting = visitors[[r.status_code for r in answers].index(429)]
    assert (await waiting.post("/visitor/conversations", {"client_msg_id": new_id(), "body": "hi"})).status_code == 201


async def test_new_chats_per_minute_are_capped_per_address_and_per_visitor(server_factory):
    srv = server_factory("--chats-per-address", "0", "--new-chats-per-address", "3",
                         "--new-chats-per-visitor", "2")
    visitors = [await Visitor(srv).arrive() for _ in range(4)]
    codes = [(await v.post("/visitor/conversations", {"client_msg_id": new_id(), "body": "hi"})).status_code
             for v in visitors[:3]]
    assert codes == [201] * 3
    r = await visitors[3].post("/visitor/conversations", {"client_msg_id": new_id(), "body": "hi"})
    _assert_refusal(r, "Too many new chats from this address")
    # One visitor opening and leaving chats over and over, from an address of its own.
    churner = from_address(Visitor(srv))
    await churner.arrive()
    for _ in range(2):
        r = await churner.post("/visitor/conversations", {"client_msg_id": new_id(), "body": "hi"})
        assert r.status_code == 201
        assert (await churner.post(f"/visitor/conversations/{r.json()['conversation']['id']}/close")).status_code == 200
    r = await churner.post("/visitor/conversations", {"client_msg_id": new_id(), "body": "hi"})
    _assert_refusal(r, "You started too many chats")


async def test_the_queue_stays_one_page_with_thousands_waiting(server_factory):
    srv = server_factory("--visitor-timeout", "100000")
    seed_queue(srv.database, 3000)
    ana = await Operator.create(srv, "ana@example.com")
    r = await ana.get("/queue")
    page = r.json()
    assert len(page["queue"]) == QUEUE_PAGE and page["total"] == 3000
    assert len(r.content) < 200_000                         # the whole queue would be megabytes
    names = [e["visitor"]["name"] for e in page["queue"]]
    assert names == [f"Seed {i}" for i in range(QUEUE_PAGE)]  # the oldest first
    assert len((await ana.ok("GET", "/queue?limit=1000"))["queue"]) == 1000
    assert (await ana.get("/queue?limit=1001")).status_code == 422
    desk = await ana.ok("GET", "/desk")
    assert len(desk["queue"]) == QUEUE_PAGE and desk["queue_total"] == 3000


async def test_parallel_guesses_at_one_account_past_its_cap_get_429(server_factory):
    srv = server_factory("--login-per-address", "0", "--login-per-account", "2")
    srv.add_user("ana@example.com", "Ana")
    anon = Api(srv)
    answers = await asyncio.gather(*(anon.post("/auth/login", {"email": "ana@example.com", "password": f"guess-{i}"})
                                     for i in range(8)))
    assert sorted({r.status_code for r in answers}) == [401, 429]
    _assert_refusal(next(r for r in answers if r.status_code == 429), "for this account")
    await anon.close()
