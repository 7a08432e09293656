"""Fixtures for several server processes on one database."""
from __future__ import annotations

import pytest

from tests.support.cluster import Cluster


@pytest.fixture
def cluster(tmp_path):
    """Two real server processes with --cluster on one SQLite file, each on its own port."""
    cl = Cluster(tmp_path / "chat.db", 2).start()
    yield cl
    cl.stop()

