"""DeskStore.apply with crafted events: once, in order, gaps reload, echoes replace pending lines."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chatdesk.client.outgoing import OutgoingMessage
from chatdesk.client.store import DeskStore
from chatdesk.protocol.models import ConversationDetail, Message, Operator, VisitorDetail
from tests.support.events import assigned, detail, event, message, queued, visitor

ME = 7


@pytest.fixture
def store():
    s = DeskStore()
    s.set_me(Operator(id=ME, email="ana@example.com", name="Ana", role="operator", status="online"))
    return s


def record(store):
    changes = []
    store.subscribe(changes.append)
    return changes


def held(store, cid, reloads):
    """Accept conversation `cid` and answer the reload request the way the session would."""
    store.on_reload_needed = reloads.append
    store.apply(queued(cid, 1))
    store.apply(message(cid, 2, "hello"))
    store.apply(assigned(cid, 3, ME))
    return store.conversations[cid]


def bodies(view):
    return [m.body for m in view.messages]


def test_queue_then_accept_then_messages_in_order(store):
    changes = record(store)
    reloads = []
    store.apply(queued(1, 1))
    assert list(store.queue) == [1]
    store.apply(message(1, 2, "I need help"))
    assert store.queue[1].first_message == "I need help"
    view = held(store, 1, reloads)   # replays seq 1-2 under new event ids: ignored by seq
    assert 1 not in store.queue and reloads == [1] and view.needs_reload
    store.apply(message(1, 4, "are you there?"))
    store.apply(message(1, 5, "hi, Ana here", author="operator"))
    assert bodies(view) == ["are you there?", "hi, Ana here"]
    assert view.unread == 1 and view.waiting_since is None
    assert ("queue", 1, "added") in [(c.kind, c.id, c.detail) for c in changes]
    assert ("conversation", 1, "added") in [(c.kind, c.id, c.detail) for c in changes]


def test_duplicates_are_ignored_by_event_id_and_by_seq(store):
    reloads = []
    view = held(store, 1, reloads)
    e = message(1, 4, "once")
    store.apply(e)
    store.apply(e)                                    # same event_id
    store.apply(message(1, 4, "once again"))          # new event_id, same seq: replay after a reload
    store.apply({**e, "event_id": 1})                 # older event id
    assert bodies(view) == ["once"]


def test_reload_merges_rest_transcript_with_live_events(store):
    reloads = []
    view = held(store, 1, reloads)
    live = message(1, 5, "arrived live")
    store.apply(live)
    rest = [message(1, 2, "hello"), message(1, 4, "from rest")]
    d = ConversationDetail.model_validate(detail(1, ME, rest, last_seq=4))
    store.load_conversation(d, None)
    assert bodies(view) == ["hello", "from rest", "arrived live"]
    assert view.last_seq == 5 and not view.needs_reload
    store.apply(message(1, 4, "stale replay"))
    store.apply(message(1, 6, "next"))
    assert bodies(view) == ["hello", "from rest", "arrived live", "next"]


def test_seq_gap_marks_conversation_for_reload(store):
    reloads = []
    view = held(store, 1, reloads)
    store.load_conversation(ConversationDetail.model_validate(detail(1, ME, [message(1, 2, "hello")], 3)), None)
    reloads.clear()
    store.apply(message(1, 4, "four"))
    assert reloads == []
    store.apply(message(1, 7, "seven"))               # 5 and 6 never came
    assert reloads == [1] and view.needs_reload
    assert bodies(view) == ["hello", "four", "seven"]  # still shown at once
    store.apply(message(1, 8, "eight"))
    assert reloads == [1]                              # asked once


def test_out_of_order_insert_keeps_seq_order(store):
    view = held(store, 1, [])
    store.add_sent_message(Message.model_validate(
        message(1, 6, "mine", author="operator", client_msg_id="c1", msg_id=900)["data"]))
    store.apply(message(1, 4, "before"))
    store.apply(message(1, 5, "before too"))
    assert bodies(view) == ["before", "before too", "mine"]


def test_pending_echo_is_replaced_once(store):
    view = held(store, 1, [])
    echoed = []
    store.on_echo = echoed.append
    item = OutgoingMessage(conversation_id=1, body="on my way")
    store.outgoing_changed(item)
    assert [p.body for p in view.pending] == ["on my way"]
    ev = message(1, 4, "on my way", author="operator", client_msg_id=item.client_msg_id, msg_id=500)
    store.apply(ev)
    assert view.pending == [] and bodies(view) == ["on my way"]
    assert [m.client_msg_id for m in echoed] == [item.client_msg_id]
    # the POST answer arriving after the echo adds nothing
    store.add_sent_message(Message.model_validate(ev["data"]))
    item.state = "sent"
    store.outgoing_changed(item)
    assert bodies(view) == ["on my way"] and view.pending == []


def test_post_answer_before_echo(store):
    view = held(store, 1, [])
    item = OutgoingMessage(conversation_id=1, body="quick")
    store.outgoing_changed(item)
    ev = message(1, 4, "quick", author="operator", client_msg_id=item.client_msg_id, msg_id=501)
    store.add_sent_message(Message.model_validate(ev["data"]))
    assert view.pending == [] and bodies(view) == ["quick"]
    assert view.last_seq == 3                          # the answer does not advance the seq
    store.apply(ev)
    assert bodies(view) == ["quick"] and view.last_seq == 4


def test_pending_items_survive_a_snapshot(store):
    held(store, 1, [])
    store.outgoing_changed(OutgoingMessage(conversation_id=1, body="typed offline"))
    store.set_conversations([(ConversationDetail.model_validate(detail(1, ME, [message(1, 2, "hello")], 3)), None)])
    view = store.conversations[1]
    assert [p.body for p in view.pending] == ["typed offline"]


def test_untrusted_fields_are_cleaned_on_the_way_in(store):
    store.apply(event("conversation.queued", 2, 1, {
        "conversation": {"id": 2, "visitor_id": "v2", "state": "queued", "queued_at": 5.0},
        "visitor": visitor("v2", name="Eve\x1b]0;pwned\x07", current_title="Shop\u202e\x9b2J")}))
    store.apply(message(2, 2, "hi\x1b[2J\x1b]52;c;AAAA\x07 there"))
    entry = store.queue[2]
    assert entry.visitor.name == "Eve" and entry.visitor.current_title == "Shop"
    assert entry.first_message == "hi there"
    view = held(store, 3, [])
    store.apply({"type": "typing", "conversation_id": 3, "actor": "visitor", "is_typing": True,
                 "text": "draft\x1b[31m red\nline"})
    assert view.visitor_typing and view.sneak_peek == "draft red line"


def test_visitor_events_update_queue_and_views(store):
    view = held(store, 1, [])
    store.load_conversation(ConversationDetail.model_validate(detail(1, ME, [], 3)),
                            VisitorDetail.model_validate(visitor("v1")))
    store.apply(event("visitor.pageview", 1, 4, {
        "visitor_id": "v1", "visitor": visitor("v1", current_url="https://shop/cart", current_title="Cart"),
        "pageview": {"url": "https://shop/cart", "title": "Cart", "ts": 1010.0}}))
    assert view.visitor.current_title == "Cart"
    assert [p.title for p in view.visitor.pageviews] == ["Cart"]
    store.apply(event("visitor.note", None, None, {"visitor_id": "v1", "note": {"id": 1, "body": "VIP", "ts": 1.0}}))
    assert [n.body for n in view.visitor.notes] == ["VIP"]


def test_transfer_away_close_and_operator_events(store):
    changes = record(store)
    view = held(store, 1, [])
    store.apply(event("conversation.transferred", 1, 4, {
        "conversation": {"id": 1, "visitor_id": "v1", "state": "active", "operator_id": 9, "queued_at": 1.0},
        "visitor": visitor("v1")}))
    assert ("conversation", 1, "left") in [(c.kind, c.id, c.detail) for c in changes]
    assert store.conversations[1] is view            # the tab stays until the TUI forgets it
    store.forget(1)
    assert 1 not in store.conversations
    held(store, 2, [])
    store.apply(event("conversation.closed", 2, 4, {
        "conversation": {"id": 2, "visitor_id": "v2", "state": "closed", "operator_id": ME, "queued_at": 1.0},
        "visitor": visitor("v2")}))
    assert store.conversations[2].conversation.state == "closed"
    store.apply(event("operator.status", None, None, {"operator": {
        "id": ME, "email": "ana@example.com", "name": "Ana", "role": "operator", "status": "away"}}))
    assert store.me.status == "away" and store.operators[ME].status == "away"


def test_transfer_to_me_adopts_and_reloads_with_notice(store):
    changes = record(store)
    reloads = []
    store.on_reload_needed = reloads.append
    store.set_operators([Operator(id=9, email="bo@example.com", name="Bo", role="operator")])
    store.apply(event("conversation.transferred", 4, 12, {
        "conversation": {"id": 4, "visitor_id": "v4", "state": "active", "operator_id": ME, "queued_at": 1.0},
        "visitor": visitor("v4"), "note": "wants a refund", "from_operator_id": 9}))
    assert reloads == [4] and store.conversations[4].last_seq == 12
    notices = [c.text for c in changes if c.kind == "notice"]
    assert notices == ["Transferred to you by Bo: wants a refund"]


def test_an_assignment_without_visitor_data_is_held_with_a_placeholder_until_reload(store):
    reloads = []
    store.on_reload_needed = reloads.append
    store.apply(event("conversation.assigned", 5, 2, {
        "conversation": {"id": 5, "visitor_id": "v5", "state": "active", "operator_id": ME, "queued_at": 3.0}}))
    assert reloads == [5]
    assert store.conversations[5].visitor.id == "v5" and store.conversations[5].visitor.first_seen == 3.0


def test_hold_and_release_apply_in_order_after_snapshot(store):
    store.hold()
    store.apply(message(1, 4, "during snapshot"))
    store.apply(message(1, 3, "already in snapshot"))
    assert store.last_event_id == 0
    store.set_conversations([(ConversationDetail.model_validate(
        detail(1, ME, [message(1, 3, "already in snapshot", msg_id=77)], 3)), None)])
    store.release()
    assert bodies(store.conversations[1]) == ["already in snapshot", "during snapshot"]


def test_malformed_event_is_skipped(store):
    store.apply({"type": "message.created", "event_id": 10**6, "conversation_id": None, "data": {"x": 1}})
    store.apply({"type": "conversation.queued", "event_id": 10**6 + 1, "data": {}})
    store.apply({"type": "nonsense", "event_id": "x"})
    assert store.last_event_id == 10**6 + 1


# --- fuzz: whatever arrives on the stream, apply() never raises and state stays consistent -------

json_leaf = st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False) | st.text(max_size=8)
json_value = st.recursive(json_leaf, lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=10)
event_types = st.sampled_from(["message.created", "conversation.queued", "conversation.assigned",
                               "conversation.closed", "visitor.pageview", "visitor.updated", "visitor.note",
                               "operator.status", "typing", "reset", "x"]) | st.text(max_size=5) | json_leaf
valid_like = st.sampled_from([queued(50, 1), assigned(50, 2, ME), message(50, 3, "hi"),
                              event("visitor.note", None, None, {"visitor_id": "v50", "note": {"id": 3, "body": "n", "ts": 1}})])
mutated = valid_like.flatmap(lambda e: st.fixed_dictionaries(
    {k: st.just(v) | json_value for k, v in e.items()}))
frames = st.fixed_dictionaries({"type": event_types}, optional={
    "event_id": st.integers(-2, 10**6) | json_leaf, "conversation_id": st.integers(0, 3) | json_value,
    "seq": st.integers(-1, 5) | json_value, "data": json_value, "actor": st.just("visitor"),
    "text": json_value}) | mutated | json_value


@given(st.lists(frames, max_size=12))
@settings(max_examples=200, deadline=None)
def test_apply_never_raises(events):
    store = DeskStore()
    store.set_me(Operator(id=ME, email="ana@example.com", name="Ana", role="operator"))
    store.on_reload_needed = lambda cid: None
    for e in events:
        store.apply(e)
    for view in store.conversations.values():
        seqs = [m.seq for m in view.messages]
        assert seqs == sorted(seqs) and len({m.id for m in view.messages}) == len(seqs)
