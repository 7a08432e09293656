"""The desk paints up to 120 frames a second, where Textual's default is 60.

Under load (20 chats, 50 waiting, pages viewed 20 times a second) the desk writes about 35 frames
a second either way, since it only paints what changed; but at 60 a change that just missed a
frame waits up to 17 ms for the next, and that wait was most of the event-to-screen tail
(bench/: p99 46-50 -> 35-37 ms, keys 42 -> 23-28 ms, desk CPU +2 %). Textual reads TEXTUAL_FPS
once, when it is first imported, so the processes that are the desk call this before that; a
TEXTUAL_FPS the user set wins.
"""
from __future__ import annotations

import os

DESK_FPS = 120


def use_desk_frame_rate() -> None:
    os.environ.setdefault("TEXTUAL_FPS", str(DESK_FPS))
