"""Visitor journeys, visits, contact fields, notes across conversations, missed chats, canned replies."""
from __future__ import annotations

import asyncio

from tests.support.api import Operator, operators
from tests.support.stream import Stream
from tests.support.visitor import Visitor


async def test_journey_returning_visitor_and_notes_across_conversations(server_factory):
    srv = server_factory("--visit-gap", "0.5")
    ana = await Operator.create(srv, "ana@example.com")
    desk = await Stream.open(srv, token=ana.token)
    v = await Visitor(srv).arrive(url="https://shop.example/", title="Home", referrer="https://search.example/?q=boots")
    assert v.session["returning"] is False and v.session["visit_count"] == 1
    cid = await v.start_chat("Which size?")
    await v.view("https://shop.example/boots", "Trail boots")
    seen = await desk.event("visitor.pageview", cid)
    assert seen["data"]["pageview"]["title"] == "Trail boots" and seen["data"]["visitor_id"] == v.id
    await ana.accept(cid)
    await ana.ok("POST", f"/visitors/{v.id}/notes", {"body": "Wide feet, suggest the W model"})
    await ana.ok("POST", f"/conversations/{cid}/close", {"summary": "Sizing advice", "tags": ["sizing"]})

    await asyncio.sleep(0.6)   # the input of this test: half a second of quiet ends the visit
    back = await Visitor(srv).arrive(url="https://shop.example/sale", title="Sale", visitor_id=v.id)
    assert back.id == v.id and back.session["returning"] is True and back.session["visit_count"] == 2
    cid2 = await back.start_chat("Me again")
    assert cid2 != cid
    info = await ana.ok("GET", f"/visitors/{v.id}")
    assert info["returning"] is True and info["visit_count"] == 2 and info["current_title"] == "Sale"
    assert [p["title"] for p in info["pageviews"]] == ["Sale"]                 # this visit only
    assert info["notes"][0]["body"] == "Wide feet, suggest the W model"
    assert [(c["id"], c["summary"]) for c in info["past_conversations"]] == [(cid2, ""), (cid, "Sizing advice")]
    assert info["last_operator_id"] == ana.id and info["time_on_site"] >= 0


async def test_contact_fields_and_callback(shared_server):
    ana = await Operator.create(shared_server, "ana@example.com")
    v = await Visitor(shared_server).arrive()
    cid = await v.start_chat("Call me?", name="Ola")
    await ana.accept(cid)
    desk = await Stream.open(shared_server, token=ana.token)
    updated = await ana.ok("PATCH", f"/visitors/{v.id}", {"email": "ola@example.com"})
    assert updated["name"] == "Ola" and updated["email"] == "ola@example.com"
    assert (await desk.event("visitor.updated"))["data"]["visitor"]["email"] == "ola@example.com"
    msg = await ana.ok("POST", f"/conversations/{cid}/callback", {"channel": "phone", "value": "+47 555 0101"})
    assert msg["kind"] == "system" and msg["body"] == "Callback requested by phone: +47 555 0101"
    assert (await ana.ok("GET", f"/visitors/{v.id}"))["phone"] == "+47 555 0101"


async def test_a_queued_chat_becomes_missed_when_the_visitor_leaves(server_factory):
    srv = server_factory("--visitor-timeout", "0.5")
    ana = await Operator.create(srv, "ana@example.com")
    desk = await Stream.open(srv, token=ana.token)
    gone = await Visitor(srv).arrive()
    cid = await gone.start_chat("Hello?")
    missed = await desk.event("conversation.missed", cid)
    assert missed["data"]["conversation"]["state"] == "missed" and missed["data"]["conversation"]["closed_at"]
    assert cid not in await ana.queue_ids()
    # A visitor who closes the widget while still queued also leaves a missed chat.
    quitter = await Visitor(srv).arrive()
    stream = await Stream.open(srv, visitor_token=quitter.token)
    cid2 = await quitter.start_chat("Never mind")
    closed = await quitter.ok("POST", f"/visitor/conversations/{cid2}/close")
    assert closed["state"] == "missed" and "summary" not in closed
    assert (await stream.event("conversation.missed", cid2))["data"] == {"conversation": closed}


async def test_canned_replies_shared_and_personal_with_variables_kept(shared_server):
    ana, ben = await operators(shared_server, "ana", "ben")
    shared = (await ana.ok("GET", "/canned"))["canned"]
    assert any("{visitor.name}" in c["body"] and c["owner_id"] is None for c in shared)
    mine = await ana.ok("POST", "/canned", {"shortcut": "ship", "title": "Shipping",
                                            "body": "Hi {visitor.name}, {page.title} ships in 2 days.",
                                            "tags": ["shipping"], "shared": False})
    assert mine["owner_id"] == ana.id and mine["body"] == "Hi {visitor.name}, {page.title} ships in 2 days."
    assert mine["id"] in [c["id"] for c in (await ana.ok("GET", "/canned"))["canned"]]
    assert mine["id"] not in [c["id"] for c in (await ben.ok("GET", "/canned"))["canned"]]
    team = await ben.ok("POST", "/canned", {"shortcut": "op", "title": "Me", "body": "I'm {operator.name}."})
    assert team["owner_id"] is None
    assert team["id"] in [c["id"] for c in (await ana.ok("GET", "/canned"))["canned"]]


async def test_operators_departments_and_status_events(shared_server):
    ana = await Operator.create(shared_server, "ana@example.com", departments=("sales",))
    lead = await Operator.create(shared_server, "lead@example.com", role="admin")
    desk = await Stream.open(shared_server, token=lead.token)
    await ana.status("on_phone")
    event = await desk.event("operator.status")
    assert event["data"]["operator"]["status"] == "on_phone" and event["conversation_id"] is None
    ops = {o["email"]: o for o in (await lead.ok("GET", "/operators"))["operators"]}
    assert ops[ana.email]["departments"] == ["sales"] and ops[ana.email]["status"] == "on_phone"
    assert {"sales", "support"} <= set((await ana.ok("GET", "/departments"))["departments"])


async def test_time_on_site_grows_with_page_views(shared_server):
    ana = await Operator.create(shared_server, "ana@example.com")
    v = await Visitor(shared_server).arrive(url="https://shop.example/", title="Home")
    cid = await v.start_chat("Just browsing")

    async def journey() -> dict:
        return await ana.ok("GET", f"/visitors/{v.id}")
    first = await journey()
    assert cid in [c["id"] for c in first["past_conversations"]]
    await asyncio.sleep(1.0)            # the input of this test: a second on the page
    await v.view("https://shop.example/boots", "Boots")
    later = await journey()
    # Measured with the server's own timestamps of the two page views, never the test's clock.
    home, boots = later["pageviews"][0]["ts"], later["pageviews"][-1]["ts"]
    assert [p["title"] for p in later["pageviews"]] == ["Home", "Boots"]
    assert boots - home >= 1.0
    assert later["time_on_site"] >= boots - home
    assert later["time_on_site"] > first["time_on_site"] + 0.9   # it grew by about the second we waited
    assert later["time_on_site"] < boots - home + 1.0   # from this visit's start, not some earlier time
