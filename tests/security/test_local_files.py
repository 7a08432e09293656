"""What the desk keeps on the operator's machine is readable by the operator alone."""
from __future__ import annotations

import asyncio
import stat

from chatdesk.client.outbox import Outbox


async def test_the_outbox_file_of_unsent_replies_is_0600(tmp_path):
    path = tmp_path / "state" / "outbox.json"
    path.parent.mkdir()
    path.write_text('{"version": 1, "items": []}')
    path.chmod(0o644)                                  # an older desk wrote it with the umask
    never = asyncio.Event()

    async def post_that_hangs(_item):                  # the server never answers: the reply stays
        await never.wait()

    box = Outbox(path, post_that_hangs)
    box.submit(7, "a reply the visitor has not got yet")
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert "a reply the visitor has not got yet" in path.read_text()
    finally:
        await box.aclose()
