"""ChaosProxy: a TCP proxy on loopback between clients and the real server that breaks the network
on command or at random (seeded).

Faults, per proxied connection (a `Link`):
- drop      close both sides at once (a reset half of the time, an orderly close otherwise);
- delay     hold every chunk for a while before passing it on (order kept), for a short period;
- halfopen  stop forwarding in both directions without closing: bytes go into a black hole and
            neither side hears a thing until `hold_max` seconds later the proxy closes it;
- midframe  pass on only part of the next chunk (either direction), then cut both sides.
`partition()` / `heal()` model being offline: every link is dropped and new connections are
closed at once until healed.

The proxy is protocol-blind: it forwards bytes. It only peeks at the first request line to label
a link ("GET /api/v1/stream", "POST /api/v1/visitor/...") for the summary.
"""
from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import Counter
from dataclasses import dataclass, field

CUTS = ("drop", "halfopen", "midframe")
FAULTS = (*CUTS, "delay")
CHUNK = 65536


@dataclass(eq=False)
class Link:
    id: int
    client_r: asyncio.StreamReader
    client_w: asyncio.StreamWriter
    up_r: asyncio.StreamReader
    up_w: asyncio.StreamWriter
    label: str = ""
    mode: str = "forward"            # forward | hold
    delay: float = 0.0
    delay_until: float = 0.0
    cut_next: bool = False
    closed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def kind(self) -> str:
        """stream / visitor-stream / http, for the summary."""
        if "/visitor/stream" in self.label:
            return "visitor-stream"
        if "/api/v1/stream" in self.label:
            return "stream"
        return "http"

    def close(self, reset: bool = True) -> None:
        if self.closed.is_set():
            return
        self.closed.set()
        for w in (self.client_w, self.up_w):
            with contextlib.suppress(Exception):
                if reset:
                    w.transport.abort()
                else:
                    w.close()


class ChaosProxy:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1", *, seed: int = 0,
                 hold_max: float = 3.0, delay_range: tuple[float, float] = (0.02, 0.3)):
        self.target = (target_host, target_port)
        self.rng = random.Random(seed)              # which fault when: the same for a seed
        self.pick_rng = random.Random(seed + 1)     # which link, where to cut: depends on timing
        self.seed = seed
        self.hold_max = hold_max
        self.delay_range = delay_range
        self.links: list[Link] = []
        self.faults: Counter[str] = Counter()          # applied, by fault
        self.hit: Counter[str] = Counter()             # cuts applied, by link kind
        self.accepted = 0
        self.cut_in_data = 0                           # midframe cuts that fell inside a chunk
        self.partitioned = False
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task] = set()
        self._ids = 0
        self.port = 0

    # --- life cycle ----------------------------------------------------------------------------
    async def start(self) -> "ChaosProxy":
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for link in list(self.links):
            link.close()
        for t in list(self._tasks):
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def cuts(self) -> int:
        return sum(self.faults[k] for k in CUTS)

    def _spawn(self, coro) -> asyncio.Task:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # --- forwarding ----------------------------------------------------------------------------
    async def _accept(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        self.accepted += 1
        if self.partitioned:
            client_w.transport.abort()
            return
        try:
            up_r, up_w = await asyncio.wait_for(asyncio.open_connection(*self.target), 5)
        except (TimeoutError, OSError):
            client_w.transport.abort()          # the server is down: the client sees a reset
            return
        self._ids += 1
        link = Link(self._ids, client_r, client_w, up_r, up_w)
        self.links.append(link)
        try:
            pumps = [self._spawn(self._pump(link, client_r, up_w, upstream=True)),
                     self._spawn(self._pump(link, up_r, client_w, upstream=False))]
            await link.closed.wait()
            for p in pumps:
                p.cancel()
        finally:
            link.close()
            self.links.remove(link)

    async def _pump(self, link: Link, src: asyncio.StreamReader, dst: asyncio.StreamWriter,
                    upstream: bool) -> None:
        try:
            while not link.closed.is_set():
                data = await src.read(CHUNK)
                if not data:
                    break
                if upstream and not link.label:
                    link.label = data.split(b"\r\n", 1)[0].decode("latin-1")[:80]
                if link.mode == "hold":
                    continue                    # the black hole: read and forget
                if link.cut_next:
                    self.cut_in_data += 1
                    part = self.pick_rng.randint(1, len(data) - 1) if len(data) > 1 else 0
                    dst.write(data[:part])
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(dst.drain(), 1)
                    break
                if link.delay_until > time.monotonic():
                    await asyncio.sleep(link.delay)     # fault timing: bytes late, order kept
                dst.write(data)
                await dst.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        if link.mode == "hold":
            return                              # a held link ends when the hold does
        link.close(reset=False)

    # --- faults on command ---------------------------------------------------------------------
    def pick(self, kinds: tuple[str, ...] | None = None) -> Link | None:
        live = [link for link in self.links if not link.closed.is_set() and link.mode == "forward"
                and not link.cut_next and (kinds is None or link.kind in kinds)]
        return self.pick_rng.choice(live) if live else None

    def fault(self, kind: str, link: Link | None = None) -> Link | None:
        """Apply one fault to `link` (default: a random open one). None if no link was open."""
        link = link or self.pick()
        if link is None:
            return None
        if kind == "drop":
            link.close(reset=self.pick_rng.random() < 0.5)
        elif kind == "delay":
            link.delay = self.pick_rng.uniform(*self.delay_range)
            link.delay_until = time.monotonic() + self.pick_rng.uniform(0.2, 1.0)
        elif kind == "halfopen":
            link.mode = "hold"
            self._spawn(self._end_hold(link))
        elif kind == "midframe":
            link.cut_next = True
            self._spawn(self._end_hold(link, 1.0))   # nothing flowed to cut: close it anyway
        else:
            raise ValueError(f"unknown fault {kind!r}")
        self.faults[kind] += 1
        if kind in CUTS:
            self.hit[link.kind] += 1
        return link

    async def _end_hold(self, link: Link, after: float | None = None) -> None:
        await asyncio.sleep(self.hold_max if after is None else after)
        link.close()

    def drop_all(self) -> int:
        n = 0
        for link in list(self.links):
            if not link.closed.is_set():
                link.close()
                n += 1
        return n

    def partition(self) -> None:
        """Offline: drop everything and refuse new connections until heal()."""
        self.partitioned = True
        self.drop_all()

    def heal(self) -> None:
        self.partitioned = False

    # --- faults at random ----------------------------------------------------------------------
    async def run_chaos(self, cuts: int, interval: tuple[float, float] = (0.1, 0.3),
                        delay_share: float = 0.2, timeout: float = 600.0) -> None:
        """Apply `cuts` random cuts (and, between them, some delays) to random open links,
        `interval` seconds apart. Waits for a link to exist when none is open."""
        deadline = time.monotonic() + timeout
        target = self.cuts + cuts
        while self.cuts < target:
            if time.monotonic() > deadline:
                raise TimeoutError(f"chaos: only {self.cuts} cuts in {timeout}s")
            await asyncio.sleep(self.rng.uniform(*interval))
            kind = "delay" if self.rng.random() < delay_share else self.rng.choice(CUTS)
            self.fault(kind)

    def start_chaos(self, cuts: int, **kw) -> asyncio.Task:
        return self._spawn(self.run_chaos(cuts, **kw))

    def summary(self) -> str:
        by_kind = ", ".join(f"{k} {self.faults[k]}" for k in FAULTS)
        by_link = ", ".join(f"{k} {n}" for k, n in sorted(self.hit.items()))
        return (f"cuts {self.cuts} ({by_kind}; on {by_link}; {self.cut_in_data} mid-chunk); "
                f"connections {self.accepted}")
