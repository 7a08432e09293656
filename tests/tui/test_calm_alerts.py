"""Calm alerts: notices in one place that covers neither the reply box nor a dialog, no re-alert
inside a dialog, one bell per quiet period in a queue flood, desktop notifications that cannot
carry a sequence of their own, and `queue_realert_seconds = 0` meaning off."""
from __future__ import annotations

import asyncio
import math
import time

import pytest
from textual.css.query import NoMatches
from textual.geometry import Region
from textual.widgets._toast import Toast, ToastRack

from chatdesk.client.config import load_config
from chatdesk.tui.desktop_notify import detect, sequence
from chatdesk.tui.settings import DeskSettings
from chatdesk.tui.widgets.alert_center import ALERT_QUIET
from chatdesk.tui.widgets.composer import Composer
from tests.support.desk import make_desk
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for

LONG = "The server could not be reached for a while; what you type is kept and sent when it is back. " * 2


def toasts(app) -> list[Toast]:
    """The notices on the screen now (Textual keeps them in a rack that queries do not reach)."""
    try:
        rack = app.screen.get_child_by_type(ToastRack)
    except NoMatches:
        return []
    return [t for holder in rack.children if holder.display for t in holder.children
            if isinstance(t, Toast) and t.region.area]


def shown_toasts(app) -> list[Region]:
    return [t.region for t in toasts(app)]


@pytest.mark.parametrize("size", [(120, 34), (80, 24)])
async def test_notices_never_cover_the_reply_box_or_a_dialog(shared_server, operators, tmp_path, size):
    app = make_desk(shared_server, operators["ann"], tmp_path)
    async with app.run_test(size=size, notifications=True) as pilot:
        await wait_for(lambda: app.desk.store.connection == "live", "live", timeout=30, pilot=pilot)
        for n in range(4):
            app.notify(f"{n}: {LONG}", title="Notice", severity="error" if n % 2 else "information")
        await wait_for(lambda: shown_toasts(app), "a notice on screen", pilot=pilot)
        await pilot.pause()
        regions = shown_toasts(app)
        assert len(regions) == 1, regions                      # one place, the newest notice only
        assert str(toasts(app)[0].render()).startswith("Notice: 3: The server")
        composer = app.desk.query_one(Composer).region
        assert composer.area and not regions[0].overlaps(composer), (regions[0], composer)
        assert regions[0].y >= 1                               # the top line stays readable

        app.desk.action_status()                              # a dialog
        await wait_for(lambda: app.screen is not app.desk, "the status dialog", pilot=pilot)
        app.notify(LONG, title="While a dialog is open")
        await wait_for(lambda: shown_toasts(app), "a notice over the dialog", pilot=pilot)
        await pilot.pause()
        box = app.screen.query_one("Dialog > Vertical").region
        for toast in shown_toasts(app):
            assert not toast.overlaps(box), (toast, box)


async def test_queue_flood_rings_once_per_quiet_period_and_dialogs_mute_the_re_alert(server, tmp_path):
    token = server.operator("flood@desk.test", "Flo Op")
    shift = [0.0]
    app = make_desk(server, token, tmp_path, alert_every=30.0, clock=lambda: time.time() + shift[0])
    async with app.run_test(size=(120, 34)) as pilot:
        await wait_for(lambda: app.desk.store.connection == "live", "live", timeout=30, pilot=pilot)
        started = time.time()
        visitors = [Visitor(server.url) for _ in range(24)]

        async def open_chat(v: Visitor, n: int) -> int:
            await v.arrive("https://shop.test/", f"Page {n}")
            return await v.start_chat(f"flood {n}", name=f"Flood {n}")
        ids = await asyncio.gather(*(open_chat(v, n) for n, v in enumerate(visitors)))
        await wait_for(lambda: all(i in app.desk.store.queue for i in ids), "the flood in the queue", pilot=pilot)
        await pilot.pause(ALERT_QUIET + 0.5)                  # what came in the quiet is told at its end
        told = [m for m, _ in app.notes if m.startswith("Flood ")]
        assert 1 <= len(told) <= 2 and " more" in told[-1], told   # the flood in one or two notices
        elapsed = time.time() - started
        assert app.bell_count <= math.ceil(elapsed / ALERT_QUIET) + 1, (app.bell_count, elapsed)

        # Inside a dialog the queue's re-alert keeps quiet; it comes back once the dialog closes.
        app.desk.action_status()
        await wait_for(lambda: app.screen is not app.desk, "the status dialog", pilot=pilot)
        rings, notes = app.bell_count, len(app.notes)
        shift[0] += 31
        await pilot.pause(1.5)                                # the desk's tick runs every second
        assert app.bell_count == rings and not any("waiting, longest" in m for m, _ in app.notes[notes:])
        await pilot.press("escape")
        await wait_for(lambda: any("waiting, longest" in m for m, _ in app.notes[notes:]), "re-alert after",
                       pilot=pilot)
        for v in visitors:
            await v.close()


def test_realert_zero_turns_it_off(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("queue_realert_seconds = 0\ndesktop_notify = \"osc777\"\n")
    config = load_config(path, env={})
    assert not config.problems
    settings = DeskSettings.from_config(config)
    assert settings.alert_every == 0 and settings.desktop_notify == "osc777"
    assert DeskSettings.from_config({}).alert_every == 30
    bad = load_config(path, env={"CHATDESK_DESKTOP_NOTIFY": "loud"})
    assert any("desktop_notify" in p and "osc9" in p for p in bad.problems)


def test_desktop_notification_sequences_hold_nothing_of_the_visitor_s_own():
    hostile = "Eve\x1b]52;c;AAAA\x07;x\x9c\x1b\\ on Boots"
    osc9 = sequence("osc9", "New chat in the queue", hostile, in_tmux=False)
    assert osc9.startswith("\x1b]9;New chat in the queue: Eve") and osc9.count("\x1b") == 1
    assert osc9.endswith("\x07") and osc9.count("\x07") == 1 and "\x9c" not in osc9
    osc777 = sequence("osc777", "New; chat", hostile, in_tmux=False)
    assert osc777.count(";") == 3 and osc777.count("\x1b") == 1    # only the three separators
    tmux = sequence("osc9", "t", "b", in_tmux=True)
    assert tmux == "\x1bPtmux;\x1b\x1b]9;t: b\x07\x1b\\"
    assert sequence("off", "t", "b", in_tmux=False) == ""
    assert detect({"TERM_PROGRAM": "WezTerm"}) == "osc9" and detect({"TERM": "foot"}) == "osc777"
    assert detect({"TERM": "xterm-256color"}) == "off"
