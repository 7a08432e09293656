"""Snapshots of the real desk on a reproducible floor, at 120x34 and 80x24. Update after a
deliberate UI change with `uv run pytest tests/snapshots --snapshot-update` and look at the SVGs."""
from __future__ import annotations

import pytest

from tests.support.floor_desk import floor_desk, start_floor, until_floor_shown


@pytest.fixture(scope="module")
def floor(tmp_path_factory):
    srv, token, now = start_floor(tmp_path_factory.mktemp("floor"))
    yield srv, token, now
    srv.stop()


@pytest.mark.parametrize("size", [(120, 34), (80, 24)], ids=["120x34", "80x24"])
def test_desk(snap_compare, floor, tmp_path, size):
    srv, token, now = floor
    assert snap_compare(floor_desk(srv, token, now, tmp_path), terminal_size=size, run_before=until_floor_shown)


def test_canned_picker(snap_compare, floor, tmp_path):
    srv, token, now = floor

    async def open_picker(pilot):
        await until_floor_shown(pilot)
        await pilot.press("slash", "s", "i", "z", "e")
        await pilot.pause(0.2)

    assert snap_compare(floor_desk(srv, token, now, tmp_path), terminal_size=(120, 34), run_before=open_picker)
