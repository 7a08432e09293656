"""DeskStore with crafted staff events: monitored views follow events, watchers, approval states
on the author's held message (escape sequences cleaned), the takeover notice, a cap change on me."""
from __future__ import annotations

import pytest

from chatdesk.client.store import DeskStore
from chatdesk.client.view import approval_label
from chatdesk.protocol.models import ConversationDetail, Operator
from tests.support.events import conv, detail, event, message, visitor

ME, OTHER = 7, 8


def staff_store(role: str = "trainer") -> DeskStore:
    s = DeskStore()
    s.set_me(Operator(id=ME, email="tina@example.com", name="Tina", role=role, status="online"))
    return s


def approval(aid: int, cid: int, state: str = "pending", author: int = ME, cmid: str = "c1", **kw) -> dict:
    return {"id": aid, "conversation_id": cid, "author_id": author, "author_name": "Nova", "client_msg_id": cmid,
            "body": kw.pop("body", "draft"), "state": state, "created_at": 1000.0, **kw}


def test_a_monitored_view_follows_messages_watchers_and_close():
    s = staff_store()
    changes = []
    s.subscribe(changes.append)
    first = message(5, 1, "hello")
    view = s.oversight.load_monitored(ConversationDetail.model_validate(detail(5, OTHER, [first])), None)
    assert view.monitored and 5 in s.oversight.monitored and 5 not in s.conversations
    s.apply(message(5, 2, "still there?"))
    s.apply(event("conversation.watchers", 5, 3, {"conversation": conv(5, "active", OTHER), "visitor": visitor("v5"),
                                                  "watchers": [{"id": ME, "name": "Tina"}]}))
    assert [m.body for m in view.messages] == ["hello", "still there?"]
    assert [(w.id, w.name) for w in view.watchers] == [(ME, "Tina")]
    s.apply(event("conversation.closed", 5, 4, {"conversation": conv(5, "closed", OTHER), "visitor": visitor("v5")}))
    assert view.conversation.state == "closed"
    kinds = [(c.kind, c.detail) for c in changes if c.id == 5]
    assert ("monitor", "added") in kinds and ("watchers", "") in kinds and ("monitor", "closed") in kinds
    s.oversight.drop_monitored(5)
    assert 5 not in s.oversight.monitored


def test_a_takeover_turns_a_monitored_view_into_mine():
    s = staff_store()
    reloads = []
    s.on_reload_needed = reloads.append
    s.oversight.load_monitored(ConversationDetail.model_validate(detail(6, OTHER, [message(6, 1, "hi")])), None)
    s.apply(event("conversation.transferred", 6, 2, {"conversation": conv(6, "active", ME), "visitor": visitor("v6"),
                                                     "reason": "takeover", "from_operator_id": OTHER, "note": ""}))
    assert 6 not in s.oversight.monitored and s.holds_open(6) and reloads == [6]


def test_the_old_holder_is_told_who_took_the_chat():
    s = staff_store("operator")
    notices = []
    s.subscribe(lambda c: notices.append(c.text) if c.kind == "notice" else None)
    s.set_conversations([(ConversationDetail.model_validate(detail(9, ME, [message(9, 1, "hi")])), None)])
    s.apply(event("conversation.transferred", 9, 2, {"conversation": conv(9, "active", OTHER), "visitor": visitor("v9"),
                                                     "reason": "takeover", "by": {"id": OTHER, "name": "Sam"}}))
    assert notices == ["Sam took over this chat."] and not s.holds_open(9)


@pytest.mark.parametrize("final", ["approved", "rejected"])
def test_the_author_sees_the_state_of_a_held_message(final):
    s = staff_store("operator")
    acked = []
    s.oversight.on_approval = acked.append
    s.set_conversations([(ConversationDetail.model_validate(detail(3, ME, [message(3, 1, "hi")])), None)])
    view = s.conversations[3]
    s.apply(event("approval.requested", 3, 2, {"approval": approval(1, 3, body="draft \x1b]0;pwn\x07here")}))
    held = view.approval_for("c1")
    assert approval_label(held) == "awaiting approval" and "\x1b" not in held.body and s.oversight.approvals[1] is held
    s.apply(event("approval.resolved", 3, 3, {"approval": approval(1, 3, final, final_body="Edited")}))
    assert approval_label(view.approval_for("c1")) == final and [a.id for a in view.approvals] == [1]
    assert [a.state for a in acked] == ["pending", final]


def test_a_cap_change_updates_me():
    s = staff_store("operator")
    s.apply(event("operator.updated", None, None, {"operator": {
        "id": ME, "email": "tina@example.com", "name": "Tina", "role": "operator", "status": "online",
        "max_chats": 2, "novice": True}}))
    assert s.me.max_chats == 2 and s.me.novice
