"""Every desk key binding, each with an id, and the user keymap file that remaps ids to keys.

The user file is `keymap.toml` in the chatdesk config dir:

    [keys]
    "conversation.transfer" = "ctrl+t"
    "desk.help" = "f1,question_mark"

Textual applies it through `App.set_keymap`, so the footer, F1 help and the command palette all
show the remapped keys. A broken file gives a notice, never a crash.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

from textual.binding import Binding

# Desk-wide bindings live on the desk screen. They are priority bindings because the composer
# (a TextArea) has focus nearly all the time and would otherwise swallow them.
DESK_BINDINGS: list[Binding] = [
    Binding("alt+v", "app.visitors", "Visitors", id="desk.visitors", priority=True, show=False,
            tooltip="Everyone on the site now; invite one (i)"),
    Binding("f1", "help", "Help", id="desk.help", priority=True, tooltip="List every key"),
    Binding("f2", "focus_queue", "Queue", id="queue.focus", priority=True,
            tooltip="Move to the queue (Enter accepts, Esc returns to the reply)"),
    Binding("ctrl+o", "accept_oldest", "Accept oldest", id="queue.accept_oldest", priority=True,
            tooltip="Accept the visitor who has waited longest"),
    Binding("f3", "canned", "Canned", id="composer.canned", priority=True,
            tooltip="Canned replies (also `/` at the start of an empty reply)"),
    Binding("f4,ctrl+t", "transfer", "Transfer", id="conversation.transfer", priority=True,
            tooltip="Hand this chat to an operator or a department, with a note"),
    Binding("f5,ctrl+n", "note", "Note", id="conversation.note", priority=True,
            tooltip="Internal note on this chat (operators only)"),
    Binding("f6", "callback", "Callback", id="conversation.callback", priority=True,
            tooltip="Offer a phone or e-mail callback"),
    Binding("f7", "close_chat", "Close chat", id="conversation.close", priority=True,
            tooltip="Close with a summary, tags and an optional follow-up for sales"),
    Binding("f8", "status", "Status", id="desk.status", priority=True,
            tooltip="Online, away or on the phone"),
    Binding("f9", "toggle_sidebar", "Sidebar", id="desk.sidebar", priority=True, show=False,
            tooltip="Show or hide the visitor journey"),
    Binding("ctrl+l", "app.work_list", "Work list", id="desk.work", priority=True, show=False,
            tooltip="Work list: callback requests and offline messages to claim, call and finish"),
    Binding("ctrl+r", "send_parts", "Send in parts", id="composer.send_parts", priority=True,
            show=False, tooltip="Send a long reply as several messages, split at sentence ends"),
    Binding("ctrl+g", "send_checking", "One moment…", id="composer.send_checking", priority=True,
            show=False, tooltip="Send the \"one moment, I am checking\" line"),
    Binding("escape", "focus_composer", "Composer", id="composer.focus", show=False,
            tooltip="Back to the reply box"),
    Binding("ctrl+pagedown", "next_tab", "Next chat", id="conversation.next", show=False,
            priority=True, tooltip="Next conversation tab"),
    Binding("ctrl+pageup", "prev_tab", "Previous chat", id="conversation.previous", show=False,
            priority=True, tooltip="Previous conversation tab"),
    *[Binding(f"alt+{n}", f"goto_tab({n})", f"Chat {n}", id=f"conversation.goto_{n}", show=False,
              priority=True, tooltip=f"Go to conversation tab {n}") for n in range(1, 10)],
]

# Shorter names for the footer below 100 columns, where every key that works now must fit.
FOOTER_SHORT: dict[str, str] = {
    "queue.accept_oldest": "Accept",
    "conversation.close": "Close",
    "desk.sidebar": "Journey",
}
# Hidden at full width, shown below 100 columns: there the journey is folded away and F9 opens it.
FOOTER_NARROW_EXTRA = {"desk.sidebar"}

# The doors to the supervisor / trainer screens: app actions (DeskApp.action_board, ...), bound on
# the desk. Hidden from the footer (an operator's desk shows only what an operator uses); F1 and
# the palette list them, and for an operator they say why they are refused.
STAFF_DESK_BINDINGS: list[Binding] = [
    Binding("alt+v", "app.visitors", "Visitors", id="desk.visitors", priority=True, show=False,
            tooltip="Everyone on the site now; invite one (i)"),
    Binding("ctrl+b", "app.board", "Board", id="staff.board", priority=True, show=False,
            tooltip="The floor: operators, live chats, queue, missed (staff only)"),
    Binding("f10", "app.approvals", "Approvals", id="staff.approvals", priority=True, show=False,
            tooltip="Approval queue: novices' messages waiting for a trainer"),
    Binding("f11", "app.transcripts", "Transcripts", id="staff.transcripts", priority=True, show=False,
            tooltip="Closed chats: search, coaching notes, best/worst, export"),
    Binding("f12", "app.report", "Report", id="staff.report", priority=True, show=False,
            tooltip="Report: chats, missed, response and handle times (staff)"),
]
BOARD_BINDINGS: list[Binding] = [
    Binding("escape", "close", "Desk", id="board.close", tooltip="Board: back to the desk"),
    Binding("m", "monitor", "Monitor", id="board.monitor",
            tooltip="Board: monitor the chat under the cursor (Enter too)"),
    Binding("c", "set_cap", "Cap", id="board.cap", tooltip="Board: set the selected operator's chat limit"),
    Binding("n", "toggle_novice", "Novice", id="board.novice", tooltip="Board: mark or unmark a novice"),
    Binding("v", "toggle_approval", "Approval mode", id="board.approval",
            tooltip="Board: approval mode on/off for the selected operator"),
    Binding("a", "approvals", "Approvals", id="board.approvals", tooltip="Board: the approval queue"),
    Binding("t", "transcripts", "Transcripts", id="board.transcripts", tooltip="Board: transcript review"),
    Binding("p", "report", "Report", id="board.report", tooltip="Board: the report screen"),
    Binding("o", "app.openers", "Openers", id="board.openers", tooltip="Board: opener rules and their figures"),
    Binding("ctrl+l", "app.work_list", "Work list", id="board.work",
            tooltip="Board: the work list (callbacks and offline messages)"),
    Binding("alt+v", "app.visitors", "Visitors", id="board.visitors", show=False,
            tooltip="Board: everyone on the site now"),
]
MONITOR_BINDINGS: list[Binding] = [
    Binding("escape", "close", "Back", id="monitor.close", tooltip="Monitor: stop watching, back"),
    Binding("w", "whisper", "Whisper", id="monitor.whisper",
            tooltip="Monitor: a message only the operator sees"),
    Binding("j", "join", "Join", id="monitor.join", tooltip="Monitor: join the chat (write to the visitor too)"),
    Binding("o", "take_over", "Take over", id="monitor.take_over",
            tooltip="Monitor: the chat moves to you"),
    Binding("r", "reassign", "Reassign", id="monitor.reassign", tooltip="Monitor: move it to another operator"),
    Binding("s", "say", "Say", id="monitor.say", tooltip="Monitor: write to the visitor (joins first)"),
]
APPROVAL_BINDINGS: list[Binding] = [
    Binding("escape", "close", "Back", id="approvals.close", tooltip="Approvals: back"),
    Binding("a", "approve", "Approve", id="approvals.approve", tooltip="Approvals: send it as written"),
    Binding("e", "edit_approve", "Edit & approve", id="approvals.edit",
            tooltip="Approvals: edit the text, then send it"),
    Binding("x", "reject", "Reject", id="approvals.reject", tooltip="Approvals: never send it (with a note)"),
]
REVIEW_BINDINGS: list[Binding] = [
    Binding("escape", "close", "Back", id="review.close", tooltip="Transcripts: back"),
    Binding("ctrl+f", "focus_search", "Search", id="review.search", tooltip="Transcripts: the search fields"),
    Binding("ctrl+l", "focus_results", "Results", id="review.results", tooltip="Transcripts: the results"),
]
TRANSCRIPT_BINDINGS: list[Binding] = [
    Binding("escape", "close", "Back", id="transcript.close", tooltip="Transcript: back to the results"),
    Binding("b", "mark('best')", "Best", id="transcript.best", tooltip="Transcript: mark best, with a note"),
    Binding("w", "mark('worst')", "Worst", id="transcript.worst", tooltip="Transcript: mark worst, with a note"),
    Binding("n", "mark('')", "Note", id="transcript.note", tooltip="Transcript: a coaching note"),
    Binding("e", "export", "Export", id="transcript.export",
            tooltip="Transcript: export to Markdown or JSON (a file)"),
]
REPORT_BINDINGS: list[Binding] = [
    Binding("escape", "close", "Back", id="report.close", tooltip="Report: back"),
    Binding("r", "reload", "Reload", id="report.reload", tooltip="Report: fetch the figures again"),
    Binding("ctrl+f", "focus_range", "Dates", id="report.range", tooltip="Report: change the dates"),
]
EXPORT_BINDINGS: list[Binding] = [
    Binding("ctrl+j", "toggle_format", "Markdown/JSON", id="export.format",
            tooltip="Export dialog: switch between Markdown and JSON"),
]
VISITORS_BINDINGS: list[Binding] = [
    Binding("escape", "close", "Back", id="visitors.close", tooltip="Visitors: back to the desk"),
    Binding("i", "invite", "Invite", id="visitors.invite",
            tooltip="Visitors: invite the visitor under the cursor (their reply is your chat)"),
    Binding("s", "next_sort", "Sort", id="visitors.sort", tooltip="Visitors: sort by the next figure"),
    Binding("slash", "focus_filter", "Filter", id="visitors.filter", tooltip="Visitors: filter by name, page, campaign"),
    Binding("r", "reload", "Reload", id="visitors.reload", tooltip="Visitors: fetch the list now"),
    Binding("o", "flip_order", "Order", id="visitors.order", tooltip="Visitors: most first or least first"),
]

OPENERS_BINDINGS: list[Binding] = [
    Binding("escape", "close", "Back", id="openers.close", tooltip="Openers: back"),
    Binding("p", "pause_rule", "Pause/resume", id="openers.pause", tooltip="Openers: pause or resume the rule"),
    Binding("plus", "move(-1)", "Up", id="openers.up", tooltip="Openers: raise the rule's priority"),
    Binding("minus", "move(1)", "Down", id="openers.down", tooltip="Openers: lower the rule's priority"),
    Binding("n", "new_rule", "New rule", id="openers.new", tooltip="Openers: make a rule"),
    Binding("d", "next_period", "Period", id="openers.days",
            tooltip="Openers: the period: today, 7 days, 30 days, all time"),
    Binding("r", "reload", "Reload", id="openers.reload", tooltip="Openers: fetch the figures again"),
    Binding("x", "export", "CSV", id="openers.export", tooltip="Openers: write the rules and figures to a CSV file"),
    Binding("e", "edit_rule", "Edit", id="openers.edit", tooltip="Openers: edit the rule under the cursor"),
]

# The work list (ctrl+l): callbacks and offline messages, for every operator.
WORK_BINDINGS: list[Binding] = [
    Binding("escape", "close", "Back", id="work.close", tooltip="Work list: back to the desk"),
    Binding("c", "claim", "Claim", id="work.claim", tooltip="Work list: claim the request under the cursor"),
    Binding("p", "call", "Call", id="work.call",
            tooltip="Work list: call back (claims it; you are on the phone until it is done)"),
    Binding("d", "done", "Done", id="work.done", tooltip="Work list: mark it done, with a note"),
    Binding("u", "release", "Release", id="work.release", tooltip="Work list: give it back to the open list"),
    Binding("t", "transcript", "Transcript", id="work.transcript",
            tooltip="Work list: read the chat the request came from (claim it first)"),
    Binding("r", "reload", "Reload", id="work.reload", tooltip="Work list: fetch it again"),
]
# A missed chat opened from the board (screens/missed.py).
MISSED_BINDINGS: list[Binding] = [
    Binding("escape", "close", "Back", id="missed.close", tooltip="Missed chat: back to the board"),
    Binding("c", "callback", "Leave a callback", id="missed.callback",
            tooltip="Missed chat: record a phone or e-mail callback for the visitor"),
    Binding("i", "invite", "Invite back", id="missed.invite",
            tooltip="Missed chat: invite the visitor back while they are on the site"),
    Binding("r", "reload", "Reload", id="missed.reload", tooltip="Missed chat: fetch it again"),
]
STAFF_SCREEN_BINDINGS = [*BOARD_BINDINGS, *MONITOR_BINDINGS, *APPROVAL_BINDINGS, *REVIEW_BINDINGS,
                         *TRANSCRIPT_BINDINGS, *REPORT_BINDINGS, *EXPORT_BINDINGS, *VISITORS_BINDINGS,
                         *OPENERS_BINDINGS, *MISSED_BINDINGS]

# Bindings that belong to one widget (shown here so F1 and the palette can list them).
QUEUE_BINDINGS: list[Binding] = [
    Binding("enter", "accept", "Accept", id="queue.accept", tooltip="Accept the chat under the cursor"),
    Binding("up,k", "cursor_up", "Up", id="queue.up", show=False, tooltip="Queue: previous visitor"),
    Binding("down,j", "cursor_down", "Down", id="queue.down", show=False, tooltip="Queue: next visitor"),
]
# The Visitors list's rows (widgets/visitor_table.py): the cursor.
VISITOR_TABLE_BINDINGS: list[Binding] = [
    Binding("up,k", "cursor_up", "Up", id="visitors.up", show=False, tooltip="Visitors: previous visitor"),
    Binding("down,j", "cursor_down", "Down", id="visitors.down", show=False, tooltip="Visitors: next visitor"),
    Binding("pageup", "page_up", "Page up", id="visitors.page_up", show=False, tooltip="Visitors: a page up"),
    Binding("pagedown", "page_down", "Page down", id="visitors.page_down", show=False,
            tooltip="Visitors: a page down"),
    Binding("home", "first", "First", id="visitors.first", show=False, tooltip="Visitors: the first visitor"),
    Binding("end", "last", "Last", id="visitors.last", show=False, tooltip="Visitors: the last visitor"),
]
COMPOSER_KEYS: list[tuple[str, str, str]] = [
    # (id, key, description): handled in Composer._on_key because a TextArea owns these keys.
    ("composer.send", "enter", "Send the message"),
    ("composer.newline", "ctrl+j", "New line (alt+enter works too)"),
    ("composer.slash", "/", "At the start of an empty reply: canned replies"),
]

# Actions without a key of their own still reach the command palette (commands.py).
PALETTE_ONLY: list[tuple[str, str, str]] = [
    ("status('online')", "Status: online", "Take new chats"),
    ("status('away')", "Status: away", "No new chats are routed to you"),
    ("status('on_phone')", "Status: on the phone", "No new chats while you are on a call"),
    ("accept_selected", "Accept the selected queued chat", "Accept the chat under the queue cursor"),
    ("edit_visitor", "Edit visitor contact", "Name, e-mail and phone of the current visitor"),
    ("visitor_note", "Add a visitor note", "A note kept on the visitor across conversations"),
    ("retry_failed", "Retry failed messages", "Send this chat's refused messages again"),
    ("discard_failed", "Discard failed messages", "Drop this chat's refused messages"),
]


def all_bindings() -> list[Binding]:
    return [*DESK_BINDINGS, *STAFF_DESK_BINDINGS, *QUEUE_BINDINGS, *WORK_BINDINGS, *STAFF_SCREEN_BINDINGS,
            *VISITOR_TABLE_BINDINGS]


def keymap_path(config_dir: Path | None = None) -> Path:
    if config_dir is None:
        from chatdesk.client.config import config_dir as chatdesk_config_dir
        config_dir = chatdesk_config_dir()
    return config_dir / "keymap.toml"


def load_keymap(path: Path) -> tuple[dict[str, str], list[str]]:
    """Read a user keymap: (binding id -> keys, warnings as sentences). A missing file is empty.

    Unusable entries are skipped with a warning; the rest still apply."""
    if not path.exists():
        return {}, []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return {}, [f"The keymap file {path} could not be read ({exc}); the default keys are used."]
    table = data.get("keys", data)
    if not isinstance(table, dict):
        return {}, [f"The keymap file {path} needs a [keys] table; the default keys are used."]
    known = {b.id for b in all_bindings()}
    keymap: dict[str, str] = {}
    warnings: list[str] = []
    for binding_id, keys in table.items():
        if binding_id not in known:
            warnings.append(f"The keymap file {path} names an unknown binding id {binding_id!r}.")
        elif not isinstance(keys, str) or not keys.strip():
            warnings.append(f"In {path}, the keys for {binding_id!r} must be a text like \"ctrl+t\".")
        else:
            keymap[binding_id] = keys.strip()
    return keymap, warnings
