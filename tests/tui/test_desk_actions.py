"""The desk's action keys against the real server, checked on the server afterwards: transfer to a
department (F4), an e-mail callback (F6), close with a follow-up for sales (F7), and the status
dialog (F8) showing why the server refuses "on the phone" while chats are held."""
from __future__ import annotations

from contextlib import asynccontextmanager

import pytest

from chatdesk.tui.widgets.journey_sidebar import JourneySidebar
from tests.support.accounts import make_accounts
from tests.support.api import Api
from tests.support.desk import accept_by_keys, make_desk, transcript_text, until_live
from tests.support.harness import screen_text
from tests.support.visitor import Visitor
from tests.support.waiting import focus_on, wait_for

SIZE = (120, 34)
PEOPLE = {"kai": ("Kai Transfer",), "lou": ("Lou Callback",), "mo": ("Mo Phone",)}


@pytest.fixture(scope="module")
def desk_ops(shared_server):
    """Fresh accounts on the shared server, by key."""
    return make_accounts(shared_server, "actions.test", PEOPLE)



@asynccontextmanager
async def holding_a_chat(srv, token: str, tmp_path, first: str, name: str,
                         page: tuple[str, str] = ("https://shop.test/", "Shop")):
    """A visitor's chat, accepted by keys on a live desk: (pilot, app, api, visitor, cid)."""
    v = await Visitor(srv.url).arrive(*page)
    cid = await v.start_chat(first, name=name)
    app = make_desk(srv, token, tmp_path)
    api = Api(srv, token)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await until_live(pilot, app)
            await accept_by_keys(pilot, app, cid)
            yield pilot, app, api, v, cid
    finally:
        await v.close()
        await api.close()


def dialog_named(app, name: str):
    return lambda: app.screen.__class__.__name__ == name and app.screen


async def test_transfer_to_a_department_puts_the_chat_back_in_the_queue(shared_server, desk_ops, tmp_path):
    async with holding_a_chat(shared_server, desk_ops["kai"], tmp_path, "Can I get a price for 200 mugs?",
                              "Bea Bulk", page=("https://shop.test/quote", "Bulk order")) as (pilot, app, api, v, cid):
        await wait_for(lambda: "sales" in app.desk.departments, what="departments loaded", pilot=pilot)
        await pilot.press("f4")
        dialog = await wait_for(dialog_named(app, "TransferDialog"), what="transfer dialog", pilot=pilot)
        target = dialog.query_one("#transfer-target")
        while dialog.targets[target.highlighted].department != "sales":
            await pilot.press("down")
        await pilot.press("enter")                         # pick -> the note field
        await pilot.press(*"quote 200")
        await pilot.press("enter")                         # submit: nobody else in sales is online
        warning = "Nobody else in sales is online: the chat would wait in the queue and could come back to you."
        await wait_for(lambda: warning in str(dialog.query_one("#dialog-error").render()),
                       what="the dialog says so first", pilot=pilot)
        assert cid in app.desk.tab_order
        await pilot.press("enter")                         # and again: transfer anyway
        await wait_for(lambda: cid not in app.desk.tab_order, what="the tab closes", pilot=pilot)
        await wait_for(lambda: cid in app.desk.store.queue, what="back in the queue on this desk", pilot=pilot)
        assert app.desk.store.queue[cid].conversation.department == "sales"
        await wait_for(lambda: "Bea Bulk" in screen_text(app) and "sales" in screen_text(app),
                       what="the queue row names the department", pilot=pilot)

        detail = await api.ok("GET", f"/conversations/{cid}")
        conv = detail["conversation"]
        assert (conv["state"], conv["department"], conv["operator_id"]) == ("queued", "sales", None)
        moved = [e for e in detail["events"] if e["type"] == "conversation.transferred"]
        assert [e["data"]["note"] for e in moved] == ["quote 200"]
        assert "The chat with Bea Bulk went to the sales queue with your note." in [m for m, _ in app.notes]
        assert not app.errors()
        await v.call("POST", f"/visitor/conversations/{cid}/close")   # leave nothing in the queue


async def test_email_callback_then_close_with_a_follow_up_for_sales(shared_server, desk_ops, tmp_path):
    async with holding_a_chat(shared_server, desk_ops["lou"], tmp_path, "Please write to me about the invoice",
                              "Kim Mail") as (pilot, app, api, v, cid):

        await pilot.press("f6")
        dialog = await wait_for(dialog_named(app, "CallbackDialog"), what="callback dialog", pilot=pilot)
        await focus_on(pilot, "callback-value")
        await pilot.press("shift+tab")
        await focus_on(pilot, "callback-channel")
        await pilot.press("down", "enter")                  # Phone -> E-mail
        await wait_for(lambda: dialog.channel == "email", what="e-mail chosen", pilot=pilot)
        await pilot.press("tab")
        await focus_on(pilot, "callback-value")
        await pilot.press(*"kim")
        await pilot.press("ctrl+s")                         # no @: refused in the dialog, nothing sent
        await wait_for(lambda: "does not look like an e-mail" in str(dialog.query_one("#dialog-error").render()),
                       what="the refusal", pilot=pilot)
        assert app.screen is dialog
        await pilot.press(*"@ex.test", "enter")
        await focus_on(pilot, "callback-note")
        await pilot.press(*"pm", "enter")
        line = "Callback requested by email: kim@ex.test (pm)"
        await wait_for(lambda: any(m.body == line and m.kind == "system"
                                          for m in app.desk.store.conversations[cid].messages), what="callback line", pilot=pilot)
        assert "Callback requested by email: kim@ex.test" in transcript_text(app, cid)
        sidebar = app.desk.query_one(JourneySidebar)
        await wait_for(lambda: sidebar.query_one("#journey-email").value == "kim@ex.test",
                       what="address in the sidebar", pilot=pilot)
        visitor = await api.ok("GET", f"/visitors/{v.id}")
        assert visitor["email"] == "kim@ex.test" and not visitor["phone"]

        await pilot.press("f7")
        await wait_for(dialog_named(app, "CloseDialog"), what="close dialog", pilot=pilot)
        await focus_on(pilot, "close-summary")
        await pilot.press(*"Resent", "enter")
        await focus_on(pilot, "close-tags")
        await pilot.press(*"bill", "enter")
        await focus_on(pilot, "close-follow-up")
        await pilot.press(*"Quote 20 desks", "enter")
        await wait_for(lambda: cid not in app.desk.tab_order, what="closed", pilot=pilot)
        conv = (await api.ok("GET", f"/conversations/{cid}"))["conversation"]
        assert (conv["state"], conv["summary"], conv["tags"]) == ("closed", "Resent", ["bill"])
        assert conv["follow_up"] == "Quote 20 desks"
        assert any(m["body"] == line for m in await v.transcript())
        assert not app.errors()


async def test_status_dialog_says_why_on_the_phone_waits_and_the_server_refuses_it_too(shared_server, desk_ops,
                                                                                       tmp_path):
    async with holding_a_chat(shared_server, desk_ops["mo"], tmp_path, "Quick one", "Pia Phone") as (
            pilot, app, api, v, cid):
        await pilot.press("f8")
        await wait_for(dialog_named(app, "StatusDialog"), what="status dialog", pilot=pilot)
        assert "On the phone — transfer or close your chat first" in screen_text(app)
        options = app.screen.query_one("#status-list")
        await pilot.press("down")                           # online -> away
        assert options.highlighted == 1
        await pilot.press("down")                           # on the phone is greyed out: passed over
        assert options.highlighted != 2 and options.get_option("on_phone").disabled
        await pilot.press("escape")
        # a command (the palette, a keymap) can still ask: the server refuses with its sentence
        app.desk.action_status("on_phone")
        await wait_for(lambda: app.errors(), what="the refusal", pilot=pilot)
        assert app.errors() == ["You still hold 1 chat: transfer or close them before going on the phone."]
        assert app.screen is app.desk and app.desk.store.me.status == "online"
        assert (await api.ok("GET", "/me"))["status"] == "online"
        assert not any(m.startswith("Status:") for m, _ in app.notes)

        await api.ok("POST", f"/conversations/{cid}/close", {"summary": "answered"})
        await wait_for(lambda: not app.desk.tab_order, what="no chat held", pilot=pilot)
        await pilot.press("f8")
        await wait_for(dialog_named(app, "StatusDialog"), what="status dialog again", pilot=pilot)
        await pilot.press("down", "down", "enter")
        await wait_for(lambda: app.desk.store.me.status == "on_phone", what="on the phone now", pilot=pilot)
        assert (await api.ok("GET", "/me"))["status"] == "on_phone" and len(app.errors()) == 1
        await wait_for(lambda: "on the phone" in screen_text(app), what="the status bar says so", pilot=pilot)
