"""Regenerate screenshots/ from the real desk against the real server, on the reproducible floor
used by the snapshot tests (tests/support/floor.py).

    uv run python scripts/screenshots.py
"""
from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.floor_desk import floor_desk, start_floor, until_floor_shown  # noqa: E402

OUT = ROOT / "screenshots"


async def shoot(app, size: tuple[int, int], name: str, keys: tuple[str, ...] = ()) -> None:
    async with app.run_test(size=size) as pilot:
        await until_floor_shown(pilot)
        if keys:
            await pilot.press(*keys)
            await pilot.pause(0.3)
        (OUT / name).write_text(app.export_screenshot(title="chatdesk"))
        print(f"wrote screenshots/{name}")


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        srv, token, now = start_floor(work)
        try:
            shots = [((120, 34), "desk.svg", ()),
                     ((80, 24), "desk-80x24.svg", ()),
                     ((120, 34), "canned-picker.svg", ("slash", "s", "i", "z", "e"))]
            for n, (size, name, keys) in enumerate(shots):
                await shoot(floor_desk(srv, token, now, work / f"state{n}"), size, name, keys)
        finally:
            srv.stop()


if __name__ == "__main__":
    asyncio.run(main())
