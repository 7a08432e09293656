"""Opening hours in the shop's time zone, with department weeks and dated exceptions; the clock is
passed in, so "before 8:00" is a datetime, not a wait."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from chatdesk.server.services.opening_hours import opening
from chatdesk.server.visitor_flows_config import FlowsConfigError, flows_from_dict

WARSAW = ZoneInfo("Europe/Warsaw")
HOURS = {"time_zone": "Europe/Warsaw",
         "week": {d: "08:00-16:00" for d in ("monday", "tuesday", "wednesday", "thursday", "friday")},
         "departments": {"Sales": {"saturday": "10:00-14:00"}},
         "exceptions": [{"date": "2026-12-24", "hours": "closed"},
                        {"date": "2026-12-31", "hours": "08:00-12:00"},
                        {"date": "2026-12-31", "hours": "closed", "department": "Sales"}]}


def hours():
    return flows_from_dict({"hours": HOURS}).hours


def at(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=WARSAW)


def test_inside_and_outside_the_week_in_the_shops_time_zone():
    assert opening(hours(), None, at(2026, 12, 2, 9)).open                  # Wednesday 9:00 Warsaw
    early = opening(hours(), None, at(2026, 12, 2, 7, 30))
    assert not early.open and (early.opens_day, early.opens_at_local) == ("today", "08:00")
    assert early.opens_at == datetime(2026, 12, 2, 7, 0, tzinfo=UTC)        # 8:00 CET is 7:00 UTC
    # 16:00 is closing time: the span is [08:00, 16:00)
    late = opening(hours(), None, at(2026, 12, 2, 16))
    assert not late.open and (late.opens_day, late.opens_at_local) == ("tomorrow", "08:00")
    # the same instant seen from UTC: the zone decides, not the server's clock
    assert opening(hours(), None, datetime(2026, 12, 2, 7, 30, tzinfo=UTC)).open


def test_weekend_names_the_day_it_opens_again():
    friday_evening = opening(hours(), None, at(2026, 12, 4, 18))
    assert (friday_evening.opens_day, friday_evening.opens_at_local) == ("monday", "08:00")


def test_a_department_has_its_own_week():
    saturday = at(2026, 12, 5, 11)
    assert opening(hours(), "Sales", saturday).open
    assert not opening(hours(), None, saturday).open
    assert not opening(hours(), "Sales", at(2026, 12, 2, 9)).open     # Sales' week has no Wednesday


def test_holidays_and_short_days_win_over_the_week():
    christmas_eve = opening(hours(), None, at(2026, 12, 24, 10))        # a Thursday, but a holiday
    assert not christmas_eve.open and (christmas_eve.opens_day, christmas_eve.opens_at_local) == ("tomorrow", "08:00")
    assert opening(hours(), None, at(2026, 12, 31, 11)).open
    assert not opening(hours(), None, at(2026, 12, 31, 13)).open      # short day
    assert not opening(hours(), "Sales", at(2026, 12, 31, 11)).open    # the department's own exception


def test_summer_time_keeps_the_local_hour():
    summer = opening(hours(), None, at(2026, 7, 1, 7))
    assert summer.opens_at == datetime(2026, 7, 1, 6, 0, tzinfo=UTC)   # 8:00 CEST is 6:00 UTC


def test_without_a_week_chat_is_always_open():
    assert opening(flows_from_dict({}).hours, None, at(2026, 12, 24, 3)).open


@pytest.mark.parametrize(("section", "message"), [
    ({"hours": {"time_zone": "Mars/Olympus"}}, "not a known time zone"),
    ({"hours": {"week": {"monday": "8-16"}}}, "not a span like 08:00-16:00"),
    ({"hours": {"week": {"moonday": "08:00-16:00"}}}, "not a weekday"),
    ({"hours": {"week": {"monday": "16:00-08:00"}}}, "must end after it starts"),
    ({"prechat": {"name": "mandatory"}}, "must be one of required, optional, hidden"),
    ({"rating": {"scale": "ten"}}, "must be one of five, thumbs"),
    ({"prechat": {"privacy_url": "javascript:alert(1)"}}, "http(s) address"),
    ({"hours": {"recheck_s": 0}}, "recheck_s must be a whole number of seconds from 1 to 3600"),
    ({"hours": {"recheck_s": "often"}}, "recheck_s must be a whole number of seconds"),
])
def test_a_wrong_flows_file_says_what_is_wrong(section, message):
    with pytest.raises(FlowsConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        flows_from_dict(section)


def test_an_open_widget_asks_again_soon_and_outside_the_hours_when_they_open():
    """availability's recheck_s: every [hours] recheck_s seconds while open (an operator may come
    or go at any moment); closed by the hours, at the opening time, at most an hour ahead."""
    from chatdesk.server.services.availability import recheck_after
    flows = flows_from_dict({"hours": {**HOURS, "recheck_s": 20}})
    friday_noon, friday_evening, friday_755 = at(2026, 12, 4, 12), at(2026, 12, 4, 20), at(2026, 12, 4, 7, 55)
    assert recheck_after(flows, opening(flows.hours, None, friday_noon).opens_at, friday_noon) == 20
    assert recheck_after(flows, opening(flows.hours, None, friday_evening).opens_at, friday_evening) == 3600
    assert recheck_after(flows, opening(flows.hours, None, friday_755).opens_at, friday_755) == 301
    assert flows_from_dict({}).hours.recheck_s == 30
