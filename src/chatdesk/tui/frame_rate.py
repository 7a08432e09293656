"""The desk paints up to 120 frames a second, where Textual's default is 60.

The desk paints only what changed, so a higher ceiling costs little; what it buys is a shorter
wait for a change that just missed a frame (figures: docs/performance.md). Textual reads
TEXTUAL_FPS once, when it is first imported, so the processes that are the desk call this before
that; a TEXTUAL_FPS the user set wins.
"""
from __future__ import annotations

import os

DESK_FPS = 120


def use_desk_frame_rate() -> None:
    os.environ.setdefault("TEXTUAL_FPS", str(DESK_FPS))
