"""The server freezes start-up's objects once ready, then what survives each full collection
(server/gc_tuning.py): a full collection walks only what came after, and a deep one, at most every
DEEP_INTERVAL seconds, walks the frozen objects too, freeing any cycle among them."""
from __future__ import annotations

import gc
import weakref

from chatdesk.server.app import create_app
from chatdesk.server.config import ServerConfig
from chatdesk.server.gc_tuning import SurvivorFreezer


class Node:
    me: object


def _tracked(obj: object) -> bool:
    """Walked by a collection: tracked and not frozen (gc.get_objects leaves the frozen out)."""
    return any(o is obj for o in gc.get_objects())


async def test_the_server_freezes_what_start_up_built_before_serving(tmp_path) -> None:
    gc.unfreeze()
    app = create_app(ServerConfig(db_path=tmp_path / "chat.db"))
    try:
        async with app.router.lifespan_context(app):
            assert gc.get_freeze_count() > 50_000
            assert len(gc.get_objects()) < gc.get_freeze_count()     # a full collection walks the rest only
            assert any(isinstance(c, SurvivorFreezer) for c in gc.callbacks)
        assert not any(isinstance(c, SurvivorFreezer) for c in gc.callbacks)   # gone with the app
    finally:
        gc.unfreeze()


def test_survivors_of_a_full_collection_are_frozen_until_a_deep_one_frees_their_cycles() -> None:
    now = [0.0]
    freezer = SurvivorFreezer(deep_interval=600.0, clock=lambda: now[0])
    gc.unfreeze()
    gc.callbacks.append(freezer)
    try:
        node = Node()
        node.me = node                        # a cycle, alive
        gone = weakref.ref(node)
        assert _tracked(node)
        gc.collect()
        assert not _tracked(node)             # it survived a full collection: frozen
        del node                              # now garbage, but only a collector can free a cycle
        gc.collect()
        assert gone() is not None and freezer.deep == 0     # an ordinary full collection left it
        now[0] = 599.0
        gc.collect()
        assert gone() is not None and freezer.deep == 0
        now[0] = 601.0
        gc.collect()                          # the deep one: everything unfrozen and walked
        assert gone() is None and freezer.deep == 1
        assert freezer.full == 4
    finally:
        freezer.uninstall()
        gc.unfreeze()
