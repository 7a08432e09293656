"""Outbox rules with a scripted `post` (order, retry, failure, the file), and ApiClient's sentences
against the real server."""
from __future__ import annotations

import asyncio
import json

import pytest

from chatdesk.client.api import ApiClient, ApiError, ApiUnavailable
from chatdesk.client.outbox import Outbox
from chatdesk.protocol.models import Message
from tests.support.waiting import wait_for


def as_message(item, n):
    return Message(id=n, conversation_id=item.conversation_id, seq=n, client_msg_id=item.client_msg_id,
                   author_type="operator", body=item.body, ts=1.0)


class Script:
    """post() that fails as told, then answers; records the order of attempts."""

    def __init__(self, failures=None):
        self.failures = dict(failures or {})   # body -> list of exceptions to raise first
        self.calls: list[str] = []
        self.delivered: list[str] = []

    async def __call__(self, item):
        self.calls.append(item.body)
        queue = self.failures.get(item.body) or []
        if queue:
            raise queue.pop(0)
        if item.body not in self.delivered:    # the server's idempotency
            self.delivered.append(item.body)
        return as_message(item, len(self.delivered))


async def test_order_retry_and_failure(tmp_path, monkeypatch):
    monkeypatch.setattr("chatdesk.client.outbox.BACKOFF_START", 0.01)
    post = Script({"b": [ApiUnavailable("down"), ApiError(429, "slow_down", "Too fast."),
                         ApiError(503, "busy", "Busy.")],
                   "c": [ApiError(409, "conversation_closed", "This chat is closed.")]})
    changes = []
    box = Outbox(tmp_path / "o.json", post, lambda item: changes.append((item.body, item.state)))
    items = [box.submit(1, body) for body in "abcd"]
    await wait_for(lambda: not [i for i in box.items.values() if i.state == "pending"])
    assert post.delivered == ["a", "b", "d"]                 # b retried until it went, before d
    assert post.calls.index("d") > max(i for i, b in enumerate(post.calls) if b == "b")
    assert [i.state for i in items] == ["sent", "sent", "failed", "sent"]
    assert items[2].error == "This chat is closed." and list(box.items) == [items[2].client_msg_id]
    saved = json.loads((tmp_path / "o.json").read_text())["items"]
    assert [s["body"] for s in saved] == ["c"] and saved[0]["state"] == "failed"
    box.retry(items[2].client_msg_id)
    await wait_for(lambda: items[2].state == "sent")
    assert post.delivered == ["a", "b", "d", "c"] and not box.items
    await box.aclose()


async def test_restart_resends_and_acknowledge_is_idempotent(tmp_path):
    blocked = asyncio.Event()

    async def never(item):
        await blocked.wait()
        raise ApiUnavailable("down")
    first = Outbox(tmp_path / "o.json", never)
    a, b = first.submit(7, "one"), first.submit(7, "two")
    await first.aclose()
    post = Script()
    second = Outbox(tmp_path / "o.json", post)
    assert [i.client_msg_id for i in second.items.values()] == [a.client_msg_id, b.client_msg_id]
    second.acknowledge(a.client_msg_id)                        # the echo came first
    second.acknowledge(a.client_msg_id)
    second.start()
    await wait_for(lambda: not second.items)
    assert post.delivered == ["two"]
    await second.aclose()


async def test_corrupt_outbox_file_is_kept_aside(tmp_path):
    path = tmp_path / "o.json"
    path.write_text("{not json")
    box = Outbox(path, Script())
    assert box.items == {} and (tmp_path / "o.corrupt").exists()
    await box.aclose()


async def test_api_errors_are_sentences(shared_server, regular_token):
    async with ApiClient(shared_server.url, regular_token) as api:
        with pytest.raises(ApiError) as err:
            await api.send_message(999999, "x", "hello")
        assert err.value.status in (403, 404) and str(err.value) and "{" not in str(err.value)
        with pytest.raises(ApiError) as err:
            await api.accept(999999)
        assert str(err.value) == err.value.message and err.value.code
    async with ApiClient(shared_server.url, "wrong") as api:
        with pytest.raises(ApiError) as err:
            await api.me()
        assert err.value.status == 401
    async with ApiClient("http://127.0.0.1:9") as api:
        with pytest.raises(ApiUnavailable) as gone:
            await api.me()
        assert str(gone.value).startswith("The chat server at http://127.0.0.1:9 is not reachable")


async def test_an_over_long_reply_fails_with_a_sentence_and_the_next_one_still_goes(tmp_path):
    """The request is checked before it leaves: the outbox gets an ApiError, not a crash."""
    api = ApiClient("http://127.0.0.1:9")      # nothing listens: only the local check may answer

    async def post(item):
        if len(item.body) > 10:
            return await api.send_message(item.conversation_id, item.client_msg_id, item.body)
        return as_message(item, 1)

    box = Outbox(tmp_path / "o.json", post, lambda item: None)
    long_one, short_one = box.submit(1, "x" * 9000), box.submit(1, "short")
    await wait_for(lambda: long_one.state == "failed" and short_one.state == "sent")
    assert long_one.error == "Not sent: body string should have at most 8000 characters."
    await box.aclose()
    await api.aclose()
