"""Hostile inputs: what a visitor (or a careless operator) can put into any text field.

`text_payloads()` are strings that are valid JSON strings but must reach the operator's terminal
inert. `raw_bodies()` are request bodies that are not even valid JSON or UTF-8. `shaped_bodies()` are
valid JSON of the wrong shape. Each entry has a name so a failing test says which one broke.
"""
from __future__ import annotations

import json

ESC = "\x1b"
CSI = ESC + "["
OSC = ESC + "]"
ST = ESC + "\\"
BEL = "\x07"

_HAND_PICKED: list[tuple[str, str]] = [
    ("csi-clear-screen", CSI + "2J" + CSI + "H" + "you have been logged out"),
    ("csi-cursor-home-overwrite", CSI + "1;1H" + "FAKE OPERATOR LINE"),
    ("csi-sgr-hidden", CSI + "8m" + "hidden text" + CSI + "0m"),
    ("csi-sgr-blink-red", CSI + "5;31m" + "URGENT" + CSI + "0m"),
    ("csi-erase-line", "hello" + CSI + "2K" + "\rgoodbye"),
    ("csi-scroll-region", CSI + "1;3r" + "scrolled"),
    ("csi-device-status-report", CSI + "6n"),
    ("csi-window-ops-report-title", CSI + "21t"),
    ("csi-window-resize", CSI + "8;5;5t"),
    ("csi-mouse-tracking-on", CSI + "?1000h" + CSI + "?1006h"),
    ("csi-alt-screen-off", CSI + "?1049l"),
    ("csi-bracketed-paste-off", CSI + "?2004l"),
    ("csi-private-dec-reset", CSI + "?25l" + "cursor gone"),
    ("osc-0-title", OSC + "0;pwned title" + BEL),
    ("osc-2-title-st", OSC + "2;pwned title" + ST),
    ("osc-52-clipboard-write", OSC + "52;c;" + "cm0gLXJmIH4K" + BEL),
    ("osc-52-clipboard-query", OSC + "52;c;?" + BEL),
    ("osc-8-hyperlink", OSC + "8;;https://evil.example/login" + ST + "click for refund" + OSC + "8;;" + ST),
    ("osc-4-palette", OSC + "4;1;rgb:00/00/00" + BEL),
    ("osc-10-fg-query", OSC + "10;?" + BEL),
    ("osc-7-cwd", OSC + "7;file:///etc" + BEL),
    ("osc-1337-iterm-file", OSC + "1337;File=name=eA==;inline=1:AAAA" + BEL),
    ("osc-777-notify", OSC + "777;notify;title;body" + BEL),
    ("osc-unterminated", OSC + "0;never terminated title and then more text"),
    ("dcs-decrqss", ESC + "P$qm" + ST),
    ("dcs-sixel", ESC + "Pq#0;2;0;0;0#1;2;100;100;0#1~~@@vv@@~~" + ST),
    ("dcs-tmux-passthrough", ESC + "Ptmux;" + ESC + ESC + "]0;tmux title" + BEL + ST),
    ("apc-kitty-graphics", ESC + "_Gf=100,a=T;AAAA" + ST),
    ("pm-privacy-message", ESC + "^secret" + ST),
    ("sos-string", ESC + "Xstart of string" + ST),
    ("esc-ris-full-reset", ESC + "c"),
    ("esc-decsc-decrc", ESC + "7moved" + ESC + "8"),
    ("esc-charset-g0-dec", ESC + "(0lqqk" + ESC + "(B"),
    ("esc-keypad", ESC + "=" + ESC + ">"),
    ("esc-index-reverse", ESC + "M" * 20),
    ("esc-lone-at-end", "trailing escape" + ESC),
    ("c1-csi-8bit", "\x9b2J\x9bH8-bit CSI"),
    ("c1-osc-8bit", "\x9d0;8-bit title\x9c"),
    ("c1-dcs-8bit", "\x90qdata\x9c"),
    ("c1-apc-8bit", "\x9fapc\x9c"),
    ("c1-nel-ind", "\x85\x84\x8d"),
    ("c1-all", "".join(chr(c) for c in range(0x80, 0xA0))),
    ("c0-all", "".join(chr(c) for c in range(0x00, 0x20) if c not in (0x0A, 0x09))),
    ("c0-bell-flood", BEL * 500),
    ("c0-backspace-overwrite", "I will pay" + "\b" * 10 + "I refuse  "),
    ("c0-carriage-return-overwrite", "refund approved\rrefund denied  "),
    ("c0-form-feed-vt", "a\x0cb\x0bc"),
    ("c0-null-bytes", "before\x00after\x00"),
    ("c0-shift-out-in", "\x0eshifted\x0f"),
    ("del-chars", "abc\x7f\x7f\x7fdef"),
    ("bidi-rlo", "\u202egnp.exe"),
    ("bidi-lro-pdf", "\u202dabc\u202c"),
    ("bidi-isolates", "\u2066\u2067\u2068text\u2069"),
    ("bidi-marks", "\u200e\u200f\u061c"),
    ("bidi-trojan-source", "access_level = \"user\u202e \u2066// admin\u2069 \u2066\""),
    ("zero-width-flood", "\u200b" * 5000),
    ("zero-width-joiner-flood", "a" + "\u200d" * 3000 + "b"),
    ("bom-flood", "\ufeff" * 1000),
    ("combining-flood-zalgo", "Z" + "\u0300\u0301\u0302\u0303\u0304\u0305\u0306\u0307" * 400),
    ("combining-on-space", " " + "\u0336" * 2000),
    ("variation-selector-flood", "A" + "\ufe0f" * 2000),
    ("tag-characters", "hi" + "".join(chr(0xE0000 + ord(c)) for c in "ignore all instructions")),
    ("wide-cjk-flood", "漢" * 3000),
    ("emoji-zwj-flood", "👨\u200d👩\u200d👧\u200d👦" * 300),
    ("line-separator", "a\u2028b\u2029c"),
    ("interlinear-annotation", "\ufff9a\ufffab\ufffb"),
    ("replacement-char", "\ufffd" * 10),
    ("private-use", "\ue000\uf8ff"),
    ("noncharacters", "\ufdd0\ufffe\uffff"),
    ("textual-click-quit", "[@click=app.quit]press me[/]"),
    ("textual-click-bell", "[@click=app.bell]ring[/]"),
    ("textual-click-screen", "[@click=screen.dismiss]x[/]"),
    ("textual-click-nested", "[b][@click=app.action_quit]bold quit[/][/b]"),
    ("textual-variable", "$accent $text $foreground"),
    ("textual-escaped-bracket", "\\[@click=app.quit]x"),
    ("rich-link", "[link=https://evil.example]your invoice[/link]"),
    ("rich-style", "[bold red on white blink]ALERT[/]"),
    ("rich-unclosed", "[bold"),
    ("rich-bad-close", "[/bold] oops [/]"),
    ("rich-reverse-hide", "[reverse][black on black]hidden[/][/]"),
    ("rich-emoji-code", ":warning: :skull: :thumbs_up:"),
    ("rich-meta", "[@click]empty[/]"),
    ("markup-in-url-like", "https://shop.example/[@click=app.quit]"),
    ("html-script", "<script>alert(1)</script>"),
    ("html-img-onerror", "<img src=x onerror=alert(1)>"),
    ("html-svg-onload", "<svg onload=alert(1)>"),
    ("html-iframe", "<iframe src=javascript:alert(1)>"),
    ("html-entity", "&lt;b&gt;&#x1b;[2J"),
    ("js-url", "javascript:alert(document.cookie)"),
    ("data-url", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="),
    ("sql-or-1", "' OR '1'='1"),
    ("sql-drop", "Robert'); DROP TABLE messages;--"),
    ("sql-union", "1 UNION SELECT token_hash FROM tokens--"),
    ("sql-comment", "admin'--"),
    ("sql-stacked", "1; DELETE FROM operators WHERE 1=1"),
    ("sql-like-wildcards", "%_%_%"),
    ("format-string", "%s%s%s%n{0}{visitor.name}{__class__}"),
    ("template-injection", "{{7*7}} ${7*7} <%= 7*7 %>"),
    ("canned-variable-lookalike", "{operator.token} {visitor.__dict__}"),
    ("path-traversal", "../../../../etc/passwd"),
    ("null-in-json-string", "a\u0000b"),
    ("surrogate-pair-emoji", "🦄🔥"),
    ("very-long-word", "A" * 20000),
    ("very-long-line-spaces", "word " * 4000),
    ("many-newlines", "\n" * 3000),
    ("tabs-flood", "\t" * 3000),
    ("crlf-injection", "name\r\nX-Injected: 1"),
    ("log-forging", "ok\n2026-11-23 INFO operator 1 logged in"),
    ("unicode-homoglyph", "Ѕupport Теаm"),
    ("fullwidth-brackets", "［@click=app.quit］"),
    ("only-spaces", "     "),
    ("empty-after-sanitise", ESC + "[2J" + "\x07"),
]

_CSI_FINALS = "@ABCDEFGHIJKLMPSTXZ`abcdefghilmnpqrstuxz"
_OSC_CODES = [0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 50, 51, 52, 104, 110, 111, 112, 133, 633, 1337]


def _generated() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for f in _CSI_FINALS:
        out.append((f"csi-final-{f}", f"x{CSI}1;2{f}y"))
    for code in _OSC_CODES:
        out.append((f"osc-{code}-bel", f"{OSC}{code};payload{BEL}visible"))
        out.append((f"osc-{code}-st", f"{OSC}{code};payload{ST}visible"))
    for c in range(0x80, 0xA0):
        out.append((f"c1-{c:02x}", f"a{chr(c)}b"))
    for cp in [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]:
        out.append((f"bidi-{cp:04x}", f"left{chr(cp)}right"))
    return out


def text_payloads() -> list[tuple[str, str]]:
    return _HAND_PICKED + _generated()


def raw_bodies() -> list[tuple[str, bytes]]:
    """Bodies that are not valid JSON, not UTF-8, or absurdly large/deep."""
    deep = ("[" * 5000 + "]" * 5000).encode()
    deep_obj = ('{"a":' * 3000 + "1" + "}" * 3000).encode()
    return [
        ("invalid-utf8-lone-continuation", b'{"body": "\x80\x81", "client_msg_id": "x1"}'),
        ("invalid-utf8-overlong", b'{"body": "\xc0\xaf", "client_msg_id": "x2"}'),
        ("invalid-utf8-truncated", b'{"body": "\xe2\x82", "client_msg_id": "x3"}'),
        ("invalid-utf8-surrogate", b'{"body": "\xed\xa0\x80", "client_msg_id": "x4"}'),
        ("lone-surrogate-escape", b'{"body": "\\ud800", "client_msg_id": "x5"}'),
        ("not-json", b"hello there"),
        ("truncated-json", b'{"body": "abc'),
        ("empty-body", b""),
        ("json-null", b"null"),
        ("json-array", b"[]"),
        ("json-number", b"12345"),
        ("deep-array", deep),
        ("deep-object", deep_obj),
        ("huge-body-2mb", json.dumps({"client_msg_id": "big", "body": "x" * 2_000_000}).encode()),
        ("nan-infinity", b'{"max_chats": NaN, "body": Infinity}'),
        ("duplicate-keys", b'{"body": "a", "body": "b", "client_msg_id": "dup"}'),
    ]


def shaped_bodies() -> list[tuple[str, object]]:
    """Valid JSON with the wrong types or sizes."""
    return [
        ("body-number", {"client_msg_id": "t1", "body": 42}),
        ("body-list", {"client_msg_id": "t2", "body": ["a"]}),
        ("body-object", {"client_msg_id": "t3", "body": {"$ne": None}}),
        ("body-null", {"client_msg_id": "t4", "body": None}),
        ("body-bool", {"client_msg_id": "t5", "body": True}),
        ("body-missing", {"client_msg_id": "t6"}),
        ("body-empty", {"client_msg_id": "t7", "body": ""}),
        ("client-id-missing", {"body": "hi"}),
        ("client-id-huge", {"client_msg_id": "c" * 10_000, "body": "hi"}),
        ("client-id-number", {"client_msg_id": 7, "body": "hi"}),
        ("body-too-long", {"client_msg_id": "t8", "body": "y" * 100_000}),
        ("kind-unknown", {"client_msg_id": "t9", "body": "hi", "kind": "exec"}),
        ("extra-fields", {"client_msg_id": "t10", "body": "hi", "author_type": "operator", "id": 1}),
        ("huge-int", {"client_msg_id": "t11", "body": "hi", "kind": 10 ** 400}),
        ("url-huge", {"url": "https://x.example/" + "a" * 100_000, "title": "t"}),
        ("title-huge", {"url": "https://x.example/", "title": "T" * 100_000}),
        ("referrer-huge", {"url": "https://x.example/", "referrer": "r" * 100_000}),
        ("name-huge", {"client_msg_id": "t12", "body": "hi", "name": "N" * 100_000}),
        ("tags-many", {"summary": "s", "tags": ["t"] * 10_000}),
        ("tags-wrong-type", {"summary": "s", "tags": "not-a-list"}),
    ]


def is_terminal_hostile(text: str) -> bool:
    """Could this string misbehave on a terminal or in Textual markup if shown untouched?"""
    return any(ord(c) < 0x20 and c not in "\n\t" or 0x7F <= ord(c) <= 0x9F for c in text) \
        or "[" in text or any(c in text for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def terminal_bodies(marker: str, per_body: int = 6, longest: int = 1500) -> list[tuple[str, str]]:
    """The corpus's terminal-hostile payloads, a few to a message body: (payload names, body).
    Each body starts with `{marker}{n}# ` so a test can wait until it is on screen; the marker goes
    first because an unterminated OSC rightly swallows whatever follows it."""
    picked = [(n, p) for n, p in text_payloads() if is_terminal_hostile(p) and len(p) < longest]
    out: list[tuple[str, str]] = []
    for i in range(0, len(picked), per_body):
        group = picked[i:i + per_body]
        out.append((",".join(n for n, _ in group), f"{marker}{len(out)}# " + " | ".join(p for _, p in group)))
    return out
