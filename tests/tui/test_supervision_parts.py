"""The pieces of the supervisor / trainer screens that need no server: a novice's held messages
and whispers in the transcript, SLA colours, the hour chart, dates typed in the filters."""
from __future__ import annotations

import pytest

from chatdesk.protocol.models import Approval
from chatdesk.protocol.staff import HourReport
from chatdesk.tui.format import secs
from chatdesk.tui.screens.board import sla_style
from chatdesk.tui.screens.report_hours import hour_chart
from chatdesk.tui.screens.review import parse_day
from chatdesk.tui.widgets.transcript import Transcript
from tests.support.harness import NOW, Harness, message
from tests.support.waiting import wait_for


def held(i: int, cmid: str, body: str, state: str = "pending", at: float = 0.0, **kw) -> Approval:
    return Approval(id=i, conversation_id=1, author_id=7, author_name="Nia", client_msg_id=cmid, body=body,
                    state=state, created_at=NOW + at, **kw)


async def test_held_messages_whispers_and_approval_states_in_the_transcript():
    t = Transcript(1, my_id=7)
    app = Harness(t)
    async with app.run_test(size=(100, 30)) as pilot:
        visitor = message(1, body="Do you ship to Iceland?")
        t.set_messages([visitor], [], [held(1, "c1", "ya", at=2.5)])
        await wait_for(lambda: t.line_count, what="laid out", pilot=pilot)
        text = "\n".join(t.plain_lines())
        assert "◔ awaiting approval — not sent yet" in text and "  ya" in text

        # approved with an edit: the real message (same client_msg_id) carries the mark, once
        approved = message(3, author="operator", body="Yes, in 3-5 days.", author_id=7).model_copy(
            update={"client_msg_id": "c1"})
        whisper = message(4, author="operator", body="Nice save", author_id=9, kind="whisper")
        approvals = [held(1, "c1", "ya", "approved", at=2.5, final_body="Yes, in 3-5 days.", resolver_name="Tina")]
        t.set_messages([visitor, approved, whisper], [], approvals)
        text = "\n".join(t.plain_lines())
        assert "awaiting approval" not in text and text.count("Yes, in 3-5 days.") == 1
        assert "✓ approved by Tina (edited)" in text
        assert "✉ whisper from Op" in text and "the visitor never sees it" in text

        # a second one, rejected with a note, stays in place by time and is never duplicated
        approvals.append(held(2, "c2", "whatever", "rejected", at=3.5, note="Never say that.", resolver_name="Tina"))
        t.set_messages([visitor, approved, whisper], [], approvals)
        t.set_messages([visitor, approved, whisper], [], approvals)     # same again: nothing changes
        lines = t.plain_lines()
        assert sum("✗ rejected" in line for line in lines) == 1
        assert "    Tina: Never say that." in lines
        order = [i for i, line in enumerate(lines) if "Yes, in 3-5" in line or "whatever" in line or "Nice save" in line]
        assert [lines[i].strip() for i in order] == ["Yes, in 3-5 days.  ✓ approved by Tina (edited)", "whatever",
                                                     "Nice save"]


def test_sla_colours_follow_the_thresholds():
    assert sla_style(5, 30, 90) == "green"
    assert sla_style(30, 30, 90) == "bold yellow"
    assert sla_style(95, 30, 90) == "bold white on red"
    assert sla_style(20, 10, 15) == "bold white on red"      # configurable


def test_hour_chart_and_durations():
    hours = [HourReport(hour=h, chats=0) for h in range(24)]
    hours[9] = HourReport(hour=9, chats=10, answered=8, missed=2, first_response_median=42)
    hours[14] = HourReport(hour=14, chats=5, answered=5)
    head, nine, two = hour_chart(hours).plain.splitlines()
    assert head.split() == ["hour", "chats", "miss", "1st"]            # no orders: no sales columns
    assert nine.startswith("09:00 ") and two.startswith("14:00 ")
    assert nine.count("█") == 24 and two.count("█") == 12
    assert nine.split()[-3:] == ["10", "2", "42s"] and two.split()[-3:] == ["5", "0", "—"]
    assert len(head) == len(nine) == len(two)                          # the columns line up
    assert hour_chart([HourReport(hour=h) for h in range(24)]).plain == "No chats in this range."
    assert (secs(None), secs(42), secs(185), secs(3725), secs(200000)) == ("—", "42s", "3m05", "1h02", "55h")


def test_dates_typed_in_the_filters():
    start = parse_day("2026-11-23")
    assert parse_day("2026-11-23", end=True) - start in (86400, 82800, 90000)   # a day (DST aside)
    assert parse_day("") is None
    assert parse_day("yesterday", end=True) == parse_day("today")
    with pytest.raises(ValueError):
        parse_day("23/11/2026")
