"""The receiver example in docs/integrations.md, run as written against a real server: it accepts
chatdesk's signed deliveries and refuses a forged one."""
from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx

from chatdesk.demo.local_server import free_port
from tests.support.outbox import QUICK_RETRIES, added_secret, webhook_cli
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for

DOC = Path(__file__).resolve().parents[2] / "docs" / "integrations.md"


def receiver_example() -> str:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    [example] = [b for b in blocks if "serve_forever" in b]
    return example


async def test_the_documented_receiver_accepts_deliveries_and_refuses_a_forgery(server_factory, tmp_path):
    srv = server_factory(*QUICK_RETRIES)
    port = free_port()
    url = f"http://127.0.0.1:{port}/hooks/chatdesk"
    _, secret = added_secret(await asyncio.to_thread(webhook_cli, srv, "add", url, "--events", "conversation.opened"))
    script = tmp_path / "receiver.py"
    script.write_text(receiver_example())
    out = open(tmp_path / "receiver.out", "w+")
    proc = subprocess.Popen([sys.executable, str(script)], stdout=out, stderr=subprocess.STDOUT,
                            env={**os.environ, "CHATDESK_WEBHOOK_SECRET": secret, "PORT": str(port)})
    try:
        visitor = await Visitor(srv).arrive()
        cid = await visitor.start_chat("hello")
        await wait_for(lambda: f"conversation.opened {cid}" in (tmp_path / "receiver.out").read_text(),
                       timeout=30, what="the example receiver printing the event")
        forged = json.dumps({"id": "x", "event": "conversation.opened", "data": {}}).encode()
        async with httpx.AsyncClient() as http:
            r = await http.post(url, content=forged, headers={"X-Chatdesk-Signature": "sha256=" + "0" * 64,
                                                              "X-Chatdesk-Timestamp": "1"})
            assert r.status_code == 401
            r = await http.post(url, content=forged)          # no signature at all
            assert r.status_code == 401
        await visitor.close()
    finally:
        proc.terminate()
        proc.wait(10)
        out.close()
