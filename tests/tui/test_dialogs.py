"""The desk's dialogs on their own: they name their keys, Tab reaches the submit button and never
Cancel, a refusal says why and stays open, a cancel says nothing changed; transfers offer only
colleagues who are signed in, by role, and a department with nobody else online asks again."""
from __future__ import annotations

from textual.app import App
from textual.widgets import Input, Label

from chatdesk.protocol.models import Operator
from chatdesk.tui.app import DeskApp
from chatdesk.tui.dialogs.callback import CallbackChoice, CallbackDialog
from chatdesk.tui.dialogs.confirm import ConfirmDialog
from chatdesk.tui.dialogs.transfer import TransferChoice, TransferDialog
from tests.support.harness import screen_text
from tests.support.waiting import focus_on, wait_for


class DialogHost(App[None]):
    CSS_PATH = DeskApp.CSS_PATH          # the dialogs' layout lives in desk.tcss

    def __init__(self) -> None:
        super().__init__()
        self.answers: list[object] = []
        self.notes: list[str] = []

    def ask(self, dialog) -> None:
        self.push_screen(dialog, self.answers.append)

    def notify(self, message, *args, **kwargs) -> None:   # type: ignore[override]
        self.notes.append(str(message))
        super().notify(message, *args, **kwargs)


def error_of(app: App) -> str:
    return str(app.screen.query_one("#dialog-error", Label).render())


async def test_callback_by_tab_type_tab_enter_says_why_then_saves():
    app = DialogHost()
    async with app.run_test(size=(80, 24)) as pilot:
        app.ask(CallbackDialog())
        await wait_for(lambda: "ctrl+s record · Esc" in screen_text(app), what="the dialog and its keys", pilot=pilot)
        await focus_on(pilot, "callback-value")
        await pilot.press("tab")
        await focus_on(pilot, "callback-note")
        await pilot.press(*"after 5 pm", "tab")
        await focus_on(pilot, "dialog-ok")
        await pilot.press("enter")
        await wait_for(lambda: "Not recorded yet: give the phone number" in error_of(app), what="why", pilot=pilot)
        assert isinstance(app.screen, CallbackDialog) and app.answers == []
        await focus_on(pilot, "callback-value")                # back on the missing number
        await pilot.press(*"after six", "enter")
        await focus_on(pilot, "callback-note")
        await pilot.press("enter")
        await wait_for(lambda: "a phone number has digits" in error_of(app), what="not a number", pilot=pilot)
        app.screen.query_one("#callback-value", Input).value = ""
        await pilot.press(*"+44 20 7946 0000", "ctrl+s")
        await wait_for(lambda: app.answers, what="saved", pilot=pilot)
        assert app.answers == [CallbackChoice("phone", "+44 20 7946 0000", "after 5 pm")]


async def test_escape_says_nothing_changed():
    app = DialogHost()
    async with app.run_test(size=(80, 24)) as pilot:
        app.ask(CallbackDialog())
        await wait_for(lambda: isinstance(app.screen, CallbackDialog), what="the dialog", pilot=pilot)
        await pilot.press("escape")
        await wait_for(lambda: app.answers == [None], what="cancelled", pilot=pilot)
        assert "No callback recorded." in app.notes


def op(oid: int, name: str, role: str = "operator", status: str = "online", departments=()) -> Operator:
    return Operator(id=oid, email=f"{oid}@t.test", name=name, role=role, status=status,
                    departments=list(departments))


async def test_transfer_offers_signed_in_colleagues_by_role_and_warns_about_an_empty_department():
    me = op(1, "Me Myself", departments=["billing"])
    operators = [me, op(2, "Sam Super", "supervisor", departments=["sales"]), op(3, "Olive Offline", status="offline"),
                 op(4, "Ann Away", status="away", departments=["billing"])]
    app = DialogHost()
    async with app.run_test(size=(100, 30)) as pilot:
        app.ask(TransferDialog(operators, ["sales", "billing"], my_id=1))
        await wait_for(lambda: "ctrl+s transfer" in screen_text(app), what="the dialog and its keys", pilot=pilot)
        text = screen_text(app)
        assert "Olive Offline" not in text and "Me Myself" not in text
        assert "supervisor Sam Super" in " ".join(text.split())
        assert "billing  nobody online" in text and "sales  1 online" in text
        dialog = app.screen
        assert [t.to for t in dialog.targets] == ["Sam Super", "Ann Away", "the sales queue", "the billing queue"]
        for _ in range(3):
            await pilot.press("down")                   # billing
        await pilot.press("enter")
        await focus_on(pilot, "transfer-note")
        await pilot.press(*"refund", "enter")
        await wait_for(lambda: "Nobody else in billing is online" in error_of(app), what="asked", pilot=pilot)
        assert app.answers == []
        await pilot.press("enter")                      # anyway
        await wait_for(lambda: app.answers, what="transferred", pilot=pilot)
        assert app.answers == [TransferChoice(None, "billing", "refund", "the billing queue")]


async def test_confirm_keeps_the_safe_answer_on_enter_and_goes_ahead_on_y():
    app = DialogHost()
    async with app.run_test(size=(80, 24)) as pilot:
        app.ask(ConfirmDialog("Quit chatdesk?", "You hold 2 chats.", yes="Quit anyway", no="Stay",
                              cancelled="Still here."))
        await wait_for(lambda: "y quit anyway" in screen_text(app), what="asked", pilot=pilot)
        await pilot.press("enter")
        await wait_for(lambda: app.answers == [None], what="stayed", pilot=pilot)
        assert "Still here." in app.notes
        app.ask(ConfirmDialog("Quit chatdesk?", "You hold 2 chats.", yes="Quit anyway"))
        await wait_for(lambda: isinstance(app.screen, ConfirmDialog), what="asked again", pilot=pilot)
        await pilot.press("y")
        await wait_for(lambda: app.answers == [None, True], what="confirmed", pilot=pilot)


async def test_confirm_answers_an_enter_that_came_before_the_focus_landed():
    """Keys typed right after the dialog appeared can be read before a button has the focus: that
    Enter is the safe answer too, never lost (it left "Quit chatdesk?" on screen in tmux)."""
    app = DialogHost()
    async with app.run_test(size=(80, 24)) as pilot:
        app.ask(ConfirmDialog("Quit chatdesk?", "You hold 2 chats.", yes="Quit anyway", no="Stay",
                              cancelled="Still here."))
        await wait_for(lambda: "y quit anyway" in screen_text(app), what="asked", pilot=pilot)
        app.screen.set_focus(None)                      # as before the focus has landed
        await pilot.press("enter")
        await wait_for(lambda: app.answers == [None], what="stayed", pilot=pilot)
        assert "Still here." in app.notes


async def test_confirm_goes_ahead_on_enter_when_its_yes_button_has_the_focus():
    app = DialogHost()
    async with app.run_test(size=(80, 24)) as pilot:
        app.ask(ConfirmDialog("Quit chatdesk?", "You hold 2 chats.", yes="Quit anyway", no="Stay"))
        await focus_on(pilot, "dialog-cancel")
        await pilot.press("tab")
        await focus_on(pilot, "dialog-ok")
        await pilot.press("enter")
        await wait_for(lambda: app.answers == [True], what="confirmed", pilot=pilot)
