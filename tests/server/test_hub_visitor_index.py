"""The hub asks a visitor's stream only about that visitor's events and frames (eventlog/hub.py):
with thousands of idle visitors connected, an event costs one look-up, not a call per stream.
Staff streams and in-process listeners are still asked about every event."""
from __future__ import annotations

from chatdesk.server.eventlog.audience import ToOperators, ToVisitor
from chatdesk.server.eventlog.hub import Hub, Subscriber
from chatdesk.server.eventlog.log import EventRow
from chatdesk.server.security.tokens import Actor


def row(event_id: int, visitor_id: str | None) -> EventRow:
    return EventRow(event_id, "message.created", 1, event_id, 0.0, {}, None, True, None, None, visitor_id)


class Asked:
    def __init__(self) -> None:
        self.calls = 0

    def counting(self, rule):
        def accepts(r) -> bool:
            self.calls += 1
            return rule(r)
        return accepts


async def test_an_event_asks_only_its_own_visitors_streams_and_every_staff_stream() -> None:
    hub, asked = Hub(), Asked()
    visitors = {f"v{i}": Subscriber(accepts=asked.counting(lambda r, v=f"v{i}": r.visitor_id == v),
                                    visitor_id=f"v{i}") for i in range(1000)}
    twin = Subscriber(accepts=asked.counting(lambda r: r.visitor_id == "v7"), visitor_id="v7")   # a second tab
    staff = Subscriber(accepts=asked.counting(lambda r: True))
    for sub in (*visitors.values(), twin, staff):
        hub.subscribe(sub)

    hub.publish([row(1, "v7"), row(2, None)])

    assert asked.calls == 2 + 2                      # staff twice, v7's two tabs once each
    assert [i.event_id for i in (visitors["v7"].queue.get_nowait(), twin.queue.get_nowait())] == [1, 1]
    assert [staff.queue.get_nowait().event_id for _ in range(2)] == [1, 2]
    assert all(s.queue.empty() for v, s in visitors.items())


async def test_a_frame_to_one_visitor_reaches_only_their_streams_and_leaving_unindexes_them() -> None:
    hub = Hub()
    a, b = Subscriber(accepts=lambda r: True, visitor_id="a"), Subscriber(accepts=lambda r: True, visitor_id="b")
    staff = Subscriber(accepts=lambda r: True, actor=Actor(1, "Ana", "operator"))
    for sub in (a, b, staff):
        hub.subscribe(sub)
    hub.send({"type": "typing"}, to=ToVisitor("a"))
    hub.send({"type": "browsing"}, to=ToOperators())
    assert a.queue.get_nowait()["type"] == "typing" and a.queue.empty()
    assert b.queue.empty() and staff.queue.get_nowait()["type"] == "browsing"

    hub.unsubscribe(a)
    assert not hub.visitor_connected("a") and hub.visitor_connected("b")
    hub.publish([row(3, "a")])
    assert a.queue.empty() and staff.queue.get_nowait().event_id == 3
