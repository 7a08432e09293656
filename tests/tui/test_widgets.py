"""Each desk widget on its own: attributes in, messages out, rendered through Textual."""
from __future__ import annotations

from types import SimpleNamespace

from chatdesk.tui.widgets.composer import Composer
from chatdesk.tui.widgets.conversation_tabs import ConversationTabs, TabInfo
from chatdesk.tui.widgets.queue_panel import QueuePanel
from chatdesk.tui.widgets.transcript import Transcript, wrap
from tests.support.harness import NOW, Harness, message, queue_entry, screen_text
from tests.support.waiting import wait_for

HOSTILE = "[@click=app.quit]click me[/] [link=https://evil.test]x[/link] [b]bold"


def test_wrap_keeps_words_and_cuts_long_ones():
    assert wrap("aaa bbb ccc", 7) == ["aaa bbb", "ccc"]
    assert wrap("x" * 10, 4) == ["xxxx", "xxxx", "xx"]
    assert wrap("one\ntwo", 20) == ["one", "two"]


async def test_transcript_opens_10k_messages_and_sticks_to_bottom_only_at_bottom():
    t = Transcript(1, my_id=7)
    app = Harness(t)
    msgs = [message(i, "visitor" if i % 2 else "operator", author_id=None if i % 2 else 7)
            for i in range(1, 10_001)]
    async with app.run_test(size=(80, 24)) as pilot:
        t.set_messages(msgs)
        await pilot.pause()
        assert t.scroll_y == t.max_scroll_y > 0
        assert t.plain_lines()[-1].strip() == "message 10000"
        # Scrolled up, new messages do not drag the view down; they are counted instead.
        t.scroll_to(y=10, animate=False)
        await wait_for(lambda: not t.follow, what="leaving the bottom", pilot=pilot)
        t.set_messages(msgs + [message(10_001)])
        await pilot.pause()
        assert t.scroll_y == 10 and t.unseen == 1
        # Back at the bottom, it follows again.
        t.scroll_end(animate=False)
        await wait_for(lambda: t.follow, what="back at the bottom", pilot=pilot)
        t.set_messages(msgs + [message(10_001), message(10_002)])
        await pilot.pause()
        assert t.scroll_y == t.max_scroll_y and t.unseen == 0


async def test_transcript_shows_markup_as_text_and_outgoing_states():
    t = Transcript(1, my_id=7)
    app = Harness(t)
    async with app.run_test(size=(100, 20)) as pilot:
        pending = [SimpleNamespace(body="on its way", kind="text", state="pending", error=""),
                   SimpleNamespace(body="refused one", kind="text", state="failed",
                                   error="This chat is closed.")]
        t.set_messages([message(1, body=HOSTILE)], pending)
        await pilot.pause()
        text = "\n".join(t.plain_lines())
        assert HOSTILE in text
        assert "on its way ○ sending…" in text
        assert "refused one ✗ not sent" in text and "This chat is closed." in text
        screen_text_ = screen_text(app)
        assert "click me[/]" in screen_text_
        assert app.is_running   # the [@click=app.quit] stayed inert


async def test_queue_panel_wait_ageing_cursor_and_accept():
    clock = [NOW]
    panel = QueuePanel(clock=lambda: clock[0])
    app = Harness(panel)
    async with app.run_test(size=(40, 20)) as pilot:
        panel.set_entries([queue_entry(5, 125, "Old"), queue_entry(6, 10, "New", returning=True,
                                                                   visit_count=3, department="sales")])
        await pilot.pause()
        shot = screen_text(app)
        assert "2:05" in shot and "0:10" in shot and "↺3" in shot and "sales" in shot
        clock[0] += 60
        panel.refresh()
        await pilot.pause()
        assert "3:05" in screen_text(app)
        await pilot.press("down")
        assert panel.selected_id == 6
        # The list changes under the cursor: it stays on the same chat.
        panel.set_entries([queue_entry(4, 200, "Older"), *panel.entries])
        assert panel.selected_id == 6
        await pilot.press("enter")
        await wait_for(lambda: app.of(QueuePanel.AcceptRequested), what="accept request", pilot=pilot)
        assert app.of(QueuePanel.AcceptRequested)[0].conversation_id == 6


async def test_composer_enter_sends_ctrl_j_newline_slash_opens_canned_and_typing_throttled():
    now = [0.0]
    composer = Composer(clock=lambda: now[0])
    app = Harness(composer)
    async with app.run_test() as pilot:
        await pilot.press("slash")
        await wait_for(lambda: app.of(Composer.CannedRequested), what="canned request", pilot=pilot)
        assert composer.text == ""
        await pilot.press("h", "i", "ctrl+j", "t", "o", "slash")
        assert composer.text == "hi\nto/"
        typing = app.of(Composer.TypingChanged)
        assert [m.is_typing for m in typing] == [True]      # one signal for a burst of keys
        now[0] += 4
        await pilot.press("o")
        await wait_for(lambda: len(app.of(Composer.TypingChanged)) == 2, what="second typing", pilot=pilot)
        await pilot.press("enter")
        await wait_for(lambda: app.of(Composer.Submitted), what="submit", pilot=pilot)
        assert app.of(Composer.Submitted)[0].text == "hi\nto/o"
        composer.set_draft("")
        await wait_for(lambda: app.of(Composer.TypingChanged)[-1].is_typing is False,
                       what="stopped typing", pilot=pilot)


async def test_tabs_show_unread_and_aging_and_click_selects():
    tabs = ConversationTabs()
    app = Harness(tabs)
    async with app.run_test(size=(80, 3)) as pilot:
        tabs.set_tabs([TabInfo(1, "Anna [b]x", unread=2), TabInfo(2, "Bob", aging=True)])
        tabs.active = 1
        await pilot.pause()
        shot = screen_text(app)
        assert "Anna [b]x 2" in shot and "Bob ◷" in shot
        start = next(s for s, _, cid in tabs._ranges if cid == 2)
        await pilot.click(ConversationTabs, offset=(start + 2, 0))
        await wait_for(lambda: app.of(ConversationTabs.TabSelected), what="tab selected", pilot=pilot)
        assert app.of(ConversationTabs.TabSelected)[0].conversation_id == 2


async def test_queue_panel_says_how_many_more_wait_beyond_its_entries():
    panel = QueuePanel(clock=lambda: NOW)
    app = Harness(panel)
    async with app.run_test(size=(50, 20)) as pilot:
        panel.set_entries([queue_entry(1, 30, "First"), queue_entry(2, 20, "Second")], more=42)
        await pilot.pause()
        assert "42 more waiting" in screen_text(app)
        panel.set_entries(panel.entries, more=0)
        await pilot.pause()
        assert "more waiting" not in screen_text(app)
        await pilot.press("down", "down", "down")
        assert panel.selected_id == 2                  # the count is a line, not an entry


async def test_status_bar_keeps_the_alerts_words_at_80_columns():
    from chatdesk.protocol.models import Operator
    from chatdesk.tui.widgets.status_bar import StatusBar
    bar = StatusBar()
    app = Harness(bar)
    async with app.run_test(size=(80, 24)) as pilot:
        bar.me = Operator(id=1, email="a@x.test", name="Alexandra Kowalska", role="operator",
                          status="online", max_chats=3)
        bar.my_chats, bar.waiting, bar.longest, bar.connection = 2, 4, 65, "live"
        await pilot.pause()
        assert "chatdesk" in str(bar.render())          # no alert: the full line
        bar.alert = "Kim: do boots come in 46?"
        await pilot.pause()
        shown = str(bar.render())
        assert len(shown) <= 80 and "✉ Kim: do boots come in 46?" in shown
        bar.connection = "reconnecting"
        await pilot.pause()
        assert "Reconnecting" in str(bar.render())       # trouble keeps its words
