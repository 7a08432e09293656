"""A visitor's way through the shop, shared by the chatting visitors (run.py) and the shoppers
(shopper.py): each page told to the server, with the page before it as the referrer, then read
for a while. Pure pacing over callables: no I/O of its own."""
from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import TypeVar

Answer = TypeVar("Answer")


async def walk(pages: Iterable[tuple[str, str]], view: Callable[[str, str, str], Awaitable[Answer]],
               dwell: Callable[[], Awaitable[None]]) -> AsyncIterator[tuple[str, str, Answer]]:
    """For each (url, title): `view(url, title, referrer)`, then `dwell()`; yields the page and the
    view's answer once it has been read, for what the visitor does there (answer an opener, fill
    the cart). The first page's referrer is ""."""
    previous = ""
    for url, title in pages:
        answer = await view(url, title, previous)
        await dwell()
        yield url, title, answer
        previous = url
