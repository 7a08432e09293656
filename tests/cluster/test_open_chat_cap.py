"""The open-chat cap per address holds for all processes together and across restarts: the
address a chat was opened from is stored with it and counted inside the write transaction."""
from __future__ import annotations

import asyncio

import pytest

from tests.support.api import new_id
from tests.support.cluster import Cluster
from tests.support.visitor import Visitor

CAP = 3


@pytest.fixture
def capped(tmp_path):
    cl = Cluster(tmp_path / "chat.db", 2, extra_args=["--chats-per-address", str(CAP), "--new-chats-per-address", "0",
                                                      "--new-chats-per-visitor", "0"]).start()
    yield cl
    cl.stop()


async def start(v: Visitor) -> int:
    return (await v.post("/visitor/conversations", {"client_msg_id": new_id(), "body": "hi"})).status_code


@pytest.mark.timeout(180)
async def test_the_open_chat_cap_holds_over_two_processes_and_after_a_restart(capped):
    visitors = [await Visitor(capped[i % 2]).arrive() for i in range(8)]
    codes = await asyncio.gather(*(start(v) for v in visitors))     # at once, half on each process
    assert sorted(codes) == [201] * CAP + [429] * (8 - CAP), codes
    assert {i % 2 for i, c in enumerate(codes) if c == 429} == {0, 1}  # both processes refuse

    for srv in capped.servers:
        await asyncio.to_thread(srv.restart)
    late = [await Visitor(capped[i]).arrive() for i in range(2)]
    assert [await start(v) for v in late] == [429, 429]          # the count survived the restart

    opened = [v for v, c in zip(visitors, codes, strict=True) if c == 201]
    cid = (await opened[0].post("/visitor/conversations", {"client_msg_id": new_id(), "body": "bye"})) \
        .json()["conversation"]["id"]
    assert (await opened[0].post(f"/visitor/conversations/{cid}/close")).status_code == 200
    assert await start(late[1]) == 201                           # a chat that ended frees its place
    assert await start(late[0]) == 429
    for v in visitors + late:
        await v.close()
