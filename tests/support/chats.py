"""A chat in a given state, made over the real API: a visitor writes, an operator accepts (and closes)."""
from __future__ import annotations

from typing import Any

from tests.support.api import Operator
from tests.support.visitor import Visitor


async def active_chat(srv: Any, op: Operator, body: str = "Hello, anyone there?",
                      name: str | None = None) -> tuple[Visitor, int]:
    v = await Visitor(srv).arrive()
    cid = await v.start_chat(body, name=name)
    assert (await op.accept(cid)).status_code == 200
    return v, cid


async def closed_chat(srv: Any, op: Operator, words: str, *, tags: tuple[str, ...] | list[str] = (),
                      rating: int | None = None, title: str = "Shoes") -> tuple[Visitor, int]:
    v = await Visitor(srv).arrive(url="https://shop.example/shoes", title=title)
    await v.view("https://shop.example/shoes/red", "Red shoes")
    cid = await v.start_chat(f"question about {words}", name="Rita")
    await op.accept(cid)
    await op.say(cid, f"answer about {words}")
    await op.say(cid, "coach me", kind="note")
    await op.ok("POST", f"/conversations/{cid}/close", {"summary": "done", "tags": list(tags)})
    if rating is not None:
        rated = await v.ok("POST", f"/visitor/conversations/{cid}/rating", {"rating": rating, "comment": "great"})
        assert rated["rating"] == rating
    return v, cid
