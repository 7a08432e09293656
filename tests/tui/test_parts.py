"""Sidebar, canned picker, dialogs, themes, keymap, help and palette — each on its own."""
from __future__ import annotations

from pathlib import Path

from textual.app import App

from chatdesk.client.canned import context_for, fill, rank
from chatdesk.protocol.models import CannedReply, PageView, PastConversation, VisitorDetail, VisitorNote
from chatdesk.tui.keymap import DESK_BINDINGS, load_keymap
from chatdesk.tui.screens.help import HelpScreen, key_rows
from chatdesk.tui.theme_loader import SHIPPED_DIR, load_themes
from chatdesk.tui.widgets.canned_picker import CannedPicker
from chatdesk.tui.widgets.journey_sidebar import JourneySidebar
from tests.support.harness import NOW, Harness, screen_text
from tests.support.waiting import wait_for


def detail(**kw) -> VisitorDetail:
    base = dict(
        id="v1", name="Anna [@click=app.quit]", email="anna@example.test", first_seen=NOW - 86400 * 30,
        last_seen=NOW, visit_count=3, returning=True, current_url="https://shop.test/checkout",
        current_title="Checkout", referrer="https://search.test/?q=shoes",
        pageviews=[PageView(url="https://shop.test/", title="Home", ts=NOW - 300),
                   PageView(url="https://shop.test/shoes", title="Shoes [b]sale", ts=NOW - 240),
                   PageView(url="https://shop.test/checkout", title="Checkout", ts=NOW - 60)],
        past_conversations=[PastConversation(id=7, state="closed", operator_name="Bo",
                                             summary="Asked about sizes", tags=["sizes"], queued_at=NOW - 86400),
                            PastConversation(id=9, state="active", queued_at=NOW - 30)],
        notes=[VisitorNote(id=1, body="Prefers e-mail", author_name="Bo", ts=NOW - 86000)])
    base.update(kw)
    return VisitorDetail(**base)


async def test_sidebar_shows_the_journey_and_sends_edits_and_notes():
    sidebar = JourneySidebar(clock=lambda: NOW)
    app = Harness(sidebar)
    async with app.run_test(size=(50, 40)) as pilot:
        sidebar.set_visitor(detail(), conversation_id=9)
        await pilot.pause()
        text = screen_text(app)
        for expected in ("↺ returning · visit 3", "Now: Checkout", "From: https://search.test/?q=shoes",
                         "On site: 5:00", "3:00 Shoes [b]sale", "1:00 Checkout", "Asked about sizes",
                         "#sizes", "Bo: Prefers e-mail"):
            assert expected in text, expected
        assert text.count("Bo") >= 2 and "active" not in text      # this very chat is not history
        name = sidebar.query_one("#journey-name")
        assert name.value == "Anna [@click=app.quit]"
        name.focus()
        name.value = "Anna Smith"
        await pilot.press("enter")
        await wait_for(lambda: app.of(JourneySidebar.VisitorEdited), what="edit", pilot=pilot)
        edit = app.of(JourneySidebar.VisitorEdited)[0]
        assert (edit.conversation_id, edit.field, edit.value) == (9, "name", "Anna Smith")
        sidebar.query_one("#journey-new-note").focus()
        await pilot.press(*"VIP")
        await pilot.press("enter")
        await wait_for(lambda: app.of(JourneySidebar.NoteAdded), what="note", pilot=pilot)
        assert app.of(JourneySidebar.NoteAdded)[0].body == "VIP"
        # A live update (new page) does not clobber the name being edited.
        name.focus()
        name.value = "Anna S"
        await wait_for(lambda: name.has_focus, what="name focused", pilot=pilot)
        sidebar.set_visitor(detail(current_title="Payment"), conversation_id=9)
        await pilot.pause()
        assert name.value == "Anna S" and "Now: Payment" in screen_text(app)


class PickerApp(App):
    def __init__(self, picker: CannedPicker) -> None:
        super().__init__()
        self.picker = picker
        self.result: list[str | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.picker, self.result.append)


REPLIES = [CannedReply(id=1, shortcut="ship", title="Shipping times", body="We ship in 2 days, {visitor.name}.",
                       tags=["shipping"]),
           CannedReply(id=2, shortcut="bye", title="Goodbye", body="Thanks {visitor.name}, {operator.name} here.",
                       tags=["close"]),
           CannedReply(id=3, shortcut="order", title="Order status", body="Order {order.id} is on its way.")]


def filler(visitor_name: str):
    values = context_for(detail(name=visitor_name), None) | {"operator.name": "Cy"}
    return lambda reply: fill(reply.body, values)


async def test_canned_picker_searches_previews_and_fills():
    app = PickerApp(CannedPicker(REPLIES, rank, filler("Dana")))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"goodb")
        await pilot.pause()
        picker = app.picker
        assert [r.shortcut for r in picker.shown] == ["bye"]
        assert "Thanks Dana, Cy here." in screen_text(app)           # preview with variables filled
        await pilot.press("enter")
        await wait_for(lambda: app.result, what="picker result", pilot=pilot)
        assert app.result == ["Thanks Dana, Cy here."]


async def test_canned_picker_asks_for_what_it_cannot_fill_and_escape_cancels():
    app = PickerApp(CannedPicker(REPLIES, rank, filler("Dana")))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"order")
        await pilot.press("enter")
        await wait_for(lambda: app.picker.query(".missing"), what="question", pilot=pilot)
        assert "order.id" in screen_text(app)
        await pilot.press("enter")                  # empty answer: still asking
        assert not app.result
        await pilot.press(*"A-1", "enter")
        await wait_for(lambda: app.result, what="result", pilot=pilot)
        assert app.result == ["Order A-1 is on its way."]
    app2 = PickerApp(CannedPicker(REPLIES, rank, filler("Dana")))
    async with app2.run_test(size=(100, 30)) as pilot:
        await pilot.press("escape")
        await wait_for(lambda: app2.result, what="cancel", pilot=pilot)
        assert app2.result == [None]


def test_shipped_themes_load_and_broken_files_are_reported(tmp_path: Path):
    themes, problems = load_themes(SHIPPED_DIR)
    assert {"chatdesk-dark", "chatdesk-light", "chatdesk-contrast"} <= set(themes) and not problems
    assert themes["chatdesk-light"].dark is False
    (tmp_path / "bad-toml.toml").write_text("name = [unclosed")
    (tmp_path / "bad-colour.toml").write_text('name = "x"\nprimary = "not-a-colour"\n')
    (tmp_path / "no-primary.toml").write_text('name = "y"\n')
    (tmp_path / "mine.toml").write_text('name = "chatdesk-dark"\nprimary = "#ff0000"\n')
    themes, problems = load_themes(SHIPPED_DIR, tmp_path)
    assert len(problems) == 3 and any("bad-colour.toml" in p and "primary" in p for p in problems)
    assert themes["chatdesk-dark"].primary == "#ff0000"          # the user's file wins


def test_keymap_file_reports_unknown_ids_and_keeps_the_rest(tmp_path: Path):
    path = tmp_path / "keymap.toml"
    path.write_text('[keys]\n"conversation.transfer" = "ctrl+y"\n"no.such" = "x"\n"desk.help" = 3\n')
    keymap, problems = load_keymap(path)
    assert keymap == {"conversation.transfer": "ctrl+y"}
    assert len(problems) == 2
    path.write_text("[keys")
    assert load_keymap(path)[0] == {} and load_keymap(path)[1]
    assert load_keymap(tmp_path / "missing.toml") == ({}, [])


def test_every_binding_has_a_unique_id_and_help_lists_remapped_keys():
    ids = [b.id for b in DESK_BINDINGS]
    assert all(ids) and len(ids) == len(set(ids))
    rows = {binding_id: keys for keys, _, binding_id in key_rows({"conversation.transfer": "ctrl+y"})}
    assert rows["conversation.transfer"] == "ctrl+y" and rows["desk.help"] == "f1"


async def test_help_screen_opens_and_closes():
    class HelpApp(App):
        def on_mount(self) -> None:
            self.push_screen(HelpScreen({"desk.status": "ctrl+y"}))
    app = HelpApp()
    async with app.run_test(size=(120, 34)) as pilot:
        text = await wait_for(lambda: "desk.status" in screen_text(app) and screen_text(app),
                              what="help drawn", pilot=pilot)
        assert "ctrl+y" in text and "Accept the visitor who has waited longest" in text
        await pilot.press("escape")
        await wait_for(lambda: not isinstance(app.screen, HelpScreen), what="help closed", pilot=pilot)
