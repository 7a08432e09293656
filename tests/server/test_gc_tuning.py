"""Start-up's objects are frozen once the server is ready (server/gc_tuning.py), so a full garbage
collection no longer walks the ~100,000 objects every process starts with."""
from __future__ import annotations

import gc

from chatdesk.server.app import create_app
from chatdesk.server.config import ServerConfig


async def test_the_server_freezes_what_start_up_built_before_serving(tmp_path) -> None:
    gc.unfreeze()
    app = create_app(ServerConfig(db_path=tmp_path / "chat.db"))
    try:
        async with app.router.lifespan_context(app):
            assert gc.get_freeze_count() > 50_000
            assert len(gc.get_objects()) < gc.get_freeze_count()     # a full collection walks the rest only
    finally:
        gc.unfreeze()
