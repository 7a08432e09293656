"""Supervisor and trainer features through DeskSession against the real server: caps reach the
novice's desk, approval end to end, whispers, monitoring live, take over, the board."""
from __future__ import annotations

import asyncio

import pytest

from chatdesk.client.api import ApiError
from chatdesk.client.view import approval_label
from tests.support.accounts import new_operator
from tests.support.session import started_session
from tests.support.stream import Stream
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for

_n = iter(range(1, 10_000))


def new_staff(srv, role: str = "trainer", name: str = "Tina") -> str:
    email = f"{role}{next(_n)}-{name.lower()}@example.com"
    srv.add_user(email, name, role=role)
    return srv.login(email)


@pytest.fixture
async def desks(shared_server, tmp_path):
    """A trainer's desk and a novice's desk (fresh accounts), stopped after the test."""
    trainer = await started_session(shared_server, await asyncio.to_thread(new_staff, shared_server), tmp_path / "t")
    novice = await started_session(shared_server, await asyncio.to_thread(new_operator, shared_server, "Nova"), tmp_path / "n")
    await novice.set_status("online")
    yield trainer, novice
    await novice.stop()
    await trainer.stop()


async def _chat(srv, desk, body: str = "Hello?"):
    v = await Visitor(srv.url, retry_for=10).arrive()
    cid = await v.start_chat(body, name="Vera")
    assert await desk.accept(cid) is not None
    return v, cid


async def test_a_lower_cap_reaches_the_novice_desk_and_refuses_new_chats(shared_server, desks):
    trainer, novice = desks
    me = novice.store.me.id
    chats = [(await _chat(shared_server, novice))[1] for _ in range(3)]
    await trainer.staff.set_operator_limits(me, max_chats=2, novice=True)
    await wait_for(lambda: novice.store.me.max_chats == 2 and novice.store.me.novice, what="the new cap on the desk")
    assert trainer.store.operators[me].max_chats == 2
    assert sorted(c for c in novice.store.conversations if novice.store.holds_open(c)) == sorted(chats)
    extra_v = await Visitor(shared_server.url, retry_for=10).arrive()
    extra = await extra_v.start_chat("me too")
    with pytest.raises(ApiError) as refused:
        await novice.accept(extra)
    assert refused.value.status == 409 and str(refused.value) == "You already hold 3 chats, your limit is 2."
    for cid in chats[:2]:
        await novice.close(cid, "done")
    assert (await novice.accept(extra)) is not None


async def test_approval_end_to_end_the_visitor_gets_the_edit_exactly_once(shared_server, desks):
    trainer, novice = desks
    await trainer.staff.set_operator_limits(novice.store.me.id, approval_required=True)
    await wait_for(lambda: novice.store.me.approval_required, what="approval mode on the desk")
    v, cid = await _chat(shared_server, novice, "Do you ship to Iceland?")
    vstream = await Stream.open(shared_server, visitor_token=v.token)

    out = novice.send(cid, "ya")
    view = novice.store.conversations[cid]
    held = await wait_for(lambda: view.approval_for(out.client_msg_id), what="the held message on the desk")
    assert approval_label(held) == "awaiting approval" and not view.pending
    assert novice.outbox.pending(cid) == []                   # acknowledged: the outbox stops resending
    queued = await wait_for(lambda: trainer.store.oversight.approvals.get(held.id), what="the approval on the trainer desk")
    assert queued.body == "ya" and held.id in [a.id for a in trainer.store.oversight.pending_approvals()]

    edit = "Yes, we ship to Iceland in 3-5 days."
    await trainer.staff.approve(held.id, body=edit)
    await wait_for(lambda: approval_label(view.approval_for(out.client_msg_id)) == "approved", what="approved")
    await wait_for(lambda: [m.body for m in view.messages if m.author_type == "operator"] == [edit],
                   what="the approved message in the novice's transcript")
    assert view.approval_for(view.messages[-1].client_msg_id).final_body == edit

    rejected = novice.send(cid, "whatever, bye")
    held2 = await wait_for(lambda: view.approval_for(rejected.client_msg_id), what="second held message")
    await wait_for(lambda: held2.id in trainer.store.oversight.approvals, what="second approval at the trainer")
    await trainer.staff.reject(held2.id, note="Never say that.")
    await wait_for(lambda: approval_label(view.approval_for(rejected.client_msg_id)) == "rejected", what="rejected")
    assert view.approval_for(rejected.client_msg_id).note == "Never say that."

    # the visitor: the edited text exactly once, on the websocket and over REST; nothing rejected
    await trainer.staff.set_operator_limits(novice.store.me.id, approval_required=False)
    await wait_for(lambda: not novice.store.me.approval_required, what="approval mode off")
    novice.send(cid, "end marker")
    await vstream.next(lambda f: f.get("data", {}).get("body") == "end marker")
    bodies = [f["data"]["body"] for f in vstream.events() if f["type"] == "message.created"]
    assert bodies.count(edit) == 1 and "ya" not in bodies and "whatever, bye" not in str(vstream.frames)
    rest = [m["body"] for m in await v.transcript()]
    assert rest.count(edit) == 1 and "whatever, bye" not in rest and "ya" not in rest
    await vstream.close()
    await v.close()


async def test_whisper_monitor_live_and_take_over(shared_server, desks):
    trainer, novice = desks
    v, cid = await _chat(shared_server, novice, "My parcel is lost")
    vstream = await Stream.open(shared_server, visitor_token=v.token)
    me = trainer.store.me

    watched = await trainer.staff.monitor(cid)
    assert watched.monitored and cid in trainer.store.oversight.monitored and cid not in trainer.store.conversations
    assert [m.body for m in watched.messages] == ["My parcel is lost"]
    nview = novice.store.conversations[cid]
    await wait_for(lambda: [w.id for w in nview.watchers] == [me.id], what="the novice sees the watcher")
    await v.say("It was due Monday")
    await wait_for(lambda: watched.messages[-1].body == "It was due Monday", what="monitor follows live")

    trainer.staff.whisper(cid, "Ask for the tracking number")
    msg = await wait_for(lambda: next((m for m in nview.messages if m.kind == "whisper"), None), what="whisper")
    assert msg.body == "Ask for the tracking number" and msg.author_id == me.id
    novice.send(cid, "Could you give me the tracking number?")
    await wait_for(lambda: watched.messages[-1].body == "Could you give me the tracking number?", what="reply")

    await trainer.staff.unmonitor(cid)
    await wait_for(lambda: nview.watchers == [], what="the watcher left")
    assert cid not in trainer.store.oversight.monitored

    await trainer.staff.monitor(cid)
    await trainer.staff.join(cid)
    await wait_for(lambda: [j.id for j in nview.joined] == [me.id], what="the novice sees who joined")
    notices = []
    novice.store.subscribe(lambda c: notices.append(c.text) if c.kind == "notice" else None)
    taken = await trainer.staff.take_over(cid)
    assert taken is not None and trainer.store.holds_open(cid) and cid not in trainer.store.oversight.monitored
    await wait_for(lambda: not novice.store.holds_open(cid), what="the chat left the novice")
    await wait_for(lambda: any("took over" in n for n in notices), what="the takeover notice")
    trainer.send(cid, "Hi, I am taking this one")
    await vstream.next(lambda f: f.get("data", {}).get("body") == "Hi, I am taking this one")
    assert "Ask for the tracking" not in str(vstream.frames)            # the whisper never reached the visitor
    await vstream.close()
    await v.close()


async def test_the_board_follows_events(shared_server, desks):
    trainer, novice = desks
    board = await trainer.staff.follow_board()
    assert any(o.id == novice.store.me.id for o in board.operators)
    v = await Visitor(shared_server.url, retry_for=10).arrive()
    cid = await v.start_chat("board me")
    await wait_for(lambda: any(e.conversation.id == cid for e in trainer.store.oversight.board.queue), what="queue on board")
    await novice.accept(cid)
    row = await wait_for(lambda: next((o for o in trainer.store.oversight.board.operators
                                       if o.id == novice.store.me.id and o.active_chats == 1), None),
                         what="the chat held on the board")
    assert row.longest_wait is not None and row.longest_wait.conversation_id == cid
    novice.send(cid, "Hello!")
    await wait_for(lambda: next(o for o in trainer.store.oversight.board.operators
                                if o.id == novice.store.me.id).longest_wait is None, what="answered")
    await v.close()


async def test_transcripts_reviews_and_reports_through_the_session(shared_server, desks):
    trainer, novice = desks
    v, cid = await _chat(shared_server, novice, "quokka question")
    novice.send(cid, "quokka answer")
    await wait_for(lambda: len(novice.store.conversations[cid].messages) == 2, what="answer stored")
    await novice.close(cid, "ok", ["animals"])
    found = await trainer.staff.transcripts("quokka", operator_id=novice.store.me.id)
    assert [t.conversation.id for t in found] == [cid]
    await trainer.staff.review_transcript(cid, "best", "Great answer")
    mine = await novice.staff.transcript(cid)
    assert [r.note for r in mine.reviews] == ["Great answer"]
    assert "quokka answer" in await novice.staff.export_transcript(cid, "md")
    report = await trainer.staff.report()
    assert report.totals.chats >= 1 and len(report.by_hour) == 24
    with pytest.raises(ApiError) as refused:
        await novice.staff.report()
    assert refused.value.status == 403
    await v.close()


async def test_a_desk_that_stops_is_no_longer_listed_as_watching(shared_server, desks, tmp_path):
    _, novice = desks
    v, cid = await _chat(shared_server, novice)
    lead = await started_session(shared_server, await asyncio.to_thread(new_staff, shared_server, "supervisor", "Lee"),
                                 tmp_path / "lead")
    await lead.staff.monitor(cid)
    nview = novice.store.conversations[cid]
    await wait_for(lambda: [w.name for w in nview.watchers] == ["Lee"], what="Lee watching")
    await lead.stop()
    await wait_for(lambda: nview.watchers == [], what="Lee gone from the watchers")
    await v.close()
