"""The footer at full width shows whole keys: on the board at 120x34 (eleven keys and the
palette, more than fit) every key shown ends before the palette's entry (its trailing blank may sit under the
palette's border), none is cut mid-name,
and the ones left out are still in F1."""
from __future__ import annotations

from textual.widgets._footer import FooterKey

from tests.support.desk import make_desk, on_board


async def test_the_board_footer_shows_whole_keys_at_120(server, tmp_path):
    token = server.operator("sue@footer.test", "Sue Super", role="supervisor")
    desk = make_desk(server, token, tmp_path)
    async with desk.run_test(size=(120, 34)) as pilot:
        board = await on_board(pilot, desk)
        await pilot.pause(0.2)
        keys = list(board.query(FooterKey))
        palette = next(k for k in keys if k.has_class("-command-palette"))
        shown = [k for k in keys if k is not palette]
        assert [k.description for k in shown][:3] == ["Help", "Desk", "Monitor"]
        assert all(k.region.right - 1 <= palette.region.x for k in shown), \
            [(k.description, k.region) for k in shown] + [palette.region]
        assert all(k.region.width == len(k.key_display) + len(k.description) + 3 for k in shown)
