"""The multi-process chaos run (tests/chaos/test_cluster_chaos.py): N server processes on one
database behind a real HAProxy, desks and visitors talking through it, one process killed with
-9 every `kill_every` seconds and started again, and the books that prove the promise.

Traffic: every visitor starts a chat (auto-assign routes it to a desk), then writes v<i>.<k>
and waits for the answer o<i>.<k> on its websocket before writing the next; every desk answers
each visitor line it holds through DeskSession.send (its outbox retries). A flooder visitor
hammers a GET at the end, to show the visitor rate limit holds for all processes together.

Books, at the end: every acknowledged visitor line and every operator answer is in the server's
transcript, the desk's store and the visitor's websocket exactly once and in order; no desk saw a
seq gap after a resume (a gap makes the store reload the chat over REST: counted); after every
kill of the sweeper's holder another process held the lease within 5 s."""
from __future__ import annotations

import asyncio
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import httpx

from chatdesk.client.api import ApiClient
from chatdesk.client.session import DeskSession
from tests.support.cluster import Cluster
from tests.support.haproxy import HAProxy
from tests.support.live_server import LiveServer
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for

HTTP_TIMEOUT = 20.0   # a request on two loaded cores, while a process restarts, can take seconds
RETRY_FOR = 120.0     # the visitors' REST calls keep trying this long
PING = 5.0     # kill -9 closes the sockets, so HAProxy drops the links at once anyway
FLOOD_RATE = 120      # --visitor-rate for the run (ten times what a talking visitor needs here)


@dataclass
class Desk:
    email: str
    session: DeskSession
    answered: set[str] = field(default_factory=set)
    sent: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    reload_requests: Counter = field(default_factory=Counter)

    def gaps(self) -> int:
        """Seq gaps seen in held chats: reloads asked for beyond the first (the adoption's)."""
        return sum(n - 1 for n in self.reload_requests.values() if n > 1)


@dataclass
class Books:
    kills: list[tuple[str, float]] = field(default_factory=list)      # (which, when)
    takeovers: list[float] = field(default_factory=list)              # seconds, sweeper kills
    lost: int = 0
    duplicated: int = 0
    out_of_order: int = 0
    problems: list[str] = field(default_factory=list)
    flood_admitted: int = 0
    flood_refused: int = 0
    flood_seconds: float = 0.0


class ClusterChaos:
    def __init__(self, cluster: Cluster, lb: HAProxy, state_dir, *, desks: int, visitors: int, seed: int):
        self.cluster, self.lb, self.state_dir = cluster, lb, state_dir
        self.n_desks, self.n_visitors = desks, visitors
        self.rng = random.Random(seed)
        self.desks: list[Desk] = []
        self.visitors: list[Visitor] = []
        self.lines: dict[int, list[str]] = defaultdict(list)    # visitor index -> acknowledged lines
        self.books = Books()
        self.stop = asyncio.Event()
        self.tasks: list[asyncio.Task] = []

    # --- setting up ------------------------------------------------------------------------------
    async def setup(self) -> None:
        srv = self.cluster[0]
        emails = [f"desk{i:02d}@example.com" for i in range(self.n_desks)]
        sem = asyncio.Semaphore(4)

        async def add(email: str) -> None:
            async with sem:
                await asyncio.to_thread(srv.add_user, email, email.split("@")[0].title(), "operator", 8)
        await asyncio.gather(*(add(e) for e in emails))
        async with httpx.AsyncClient(timeout=30) as http:
            async def login(email: str) -> str:
                async with sem:
                    r = await http.post(self.lb.url + "/api/v1/auth/login",
                                        json={"email": email, "password": "secret-pass-1"})
                    r.raise_for_status()
                    return r.json()["token"]
            tokens = await asyncio.gather(*(login(e) for e in emails))
        for i, (email, token) in enumerate(zip(emails, tokens, strict=True)):
            session = DeskSession(self.lb.url, token, state_dir=self.state_dir / f"desk{i}",
                                  http_timeout=HTTP_TIMEOUT, ping_interval=PING)
            desk = Desk(email, session)
            await session.start()
            forward = session.store.on_reload_needed

            def counted(cid: int, desk: Desk = desk, forward=forward) -> None:
                desk.reload_requests[cid] += 1
                if forward is not None:
                    forward(cid)
            session.store.on_reload_needed = counted
            await session.set_status("online")
            self.desks.append(desk)

        async def arrive(i: int) -> Visitor:
            async with sem:
                v = await Visitor(self.lb, timeout=HTTP_TIMEOUT, retry_for=RETRY_FOR, ping_interval=PING,
                                open_timeout=HTTP_TIMEOUT).arrive()
                v.start_stream()
                await v.start_chat(f"v{i}.0", name=f"Visitor {i}")
                self.lines[i].append(f"v{i}.0")
                return v
        self.visitors = list(await asyncio.gather(*(arrive(i) for i in range(self.n_visitors))))

    # --- traffic ---------------------------------------------------------------------------------
    async def _desk_loop(self, desk: Desk) -> None:
        """Answers every visitor line in the chats this desk holds (a person reading the screen)."""
        me = desk.session.store.me
        while True:
            for cid, view in list(desk.session.store.conversations.items()):
                if me is None or view.conversation.operator_id != me.id or view.conversation.state != "active":
                    continue
                for m in list(view.messages):
                    if m.author_type == "visitor" and m.body.startswith("v") and m.body not in desk.answered:
                        desk.answered.add(m.body)
                        answer = "o" + m.body[1:]
                        desk.session.send(cid, answer)
                        desk.sent[cid].append(answer)
            await asyncio.sleep(0.05)

    async def _visitor_loop(self, i: int, v: Visitor) -> None:
        k = 0
        while True:
            want = f"o{i}.{k}"
            await wait_for(lambda want=want: want in v.bodies("operator"), f"{want} on visitor {i}'s websocket", timeout=180)
            if self.stop.is_set():
                return
            k += 1
            line = f"v{i}.{k}"
            await v.say(line)
            self.lines[i].append(line)

    async def flood(self) -> None:
        """One visitor asking as fast as it can through the balancer (so across the processes),
        three times what its limit allows: the limit must hold for all processes together."""
        v = await Visitor(self.lb, timeout=10.0, retry_for=30.0).arrive()
        await v.start_chat("flood")
        sem = asyncio.Semaphore(8)
        started = time.monotonic()

        async def one() -> None:
            async with sem:
                try:
                    r = await v.get(f"/visitor/conversations/{v.cid}")
                except httpx.TransportError:
                    return
                if r.status_code == 429:
                    self.books.flood_refused += 1
                elif r.status_code == 200:
                    self.books.flood_admitted += 1
        try:
            await asyncio.gather(*(one() for _ in range(3 * FLOOD_RATE)))
        finally:
            self.books.flood_seconds = time.monotonic() - started
            await v.close()

    async def _killer(self, kills: int, every: float) -> None:
        """Every `every` seconds: kill -9 one process (the sweeper's holder every other time),
        measure the lease take-over, start it again on its port."""
        for n in range(kills):
            await asyncio.sleep(every)
            holder = await self._sweeper_holder() if n % 2 == 0 else self.cluster.holder()
            live = [s for s in self.cluster.servers if s.proc is not None and s.proc.poll() is None]
            victim = holder if (n % 2 == 0 and holder is not None) else self.rng.choice(live)
            was_holder = victim is holder
            old = self.cluster.lease()
            killed_at = time.time()
            await asyncio.to_thread(victim.kill)
            self.books.kills.append((f"{victim.name}{' (sweeper)' if was_holder else ''}", killed_at))
            if was_holder and old is not None:
                await wait_for(lambda old=old: (lease := self.cluster.lease()) is not None and lease[0] != old[0],
                               "another process taking the sweeper lease", timeout=30)
                self.books.takeovers.append(self.cluster.lease()[2] - killed_at)
            await asyncio.to_thread(victim.start)

    async def _sweeper_holder(self, patience: float = 15.0) -> LiveServer | None:
        """The process holding the sweeper lease now; on a loaded machine the lease may be between
        holders (a renewal late, a take-over under way), so wait for one rather than kill at random."""
        deadline = time.monotonic() + patience
        while (holder := self.cluster.holder()) is None and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        if holder is None:
            self.books.problems.append(f"no process held the sweeper lease for {patience:.0f} s")
        return holder

    async def run(self, kills: int, every: float) -> None:
        self.tasks = [asyncio.create_task(self._desk_loop(d)) for d in self.desks]
        talking = [asyncio.create_task(self._visitor_loop(i, v)) for i, v in enumerate(self.visitors)]
        await self._killer(kills, every)
        await asyncio.sleep(every / 2)      # traffic after the last restart
        self.stop.set()
        await asyncio.gather(*talking)      # each visitor's last line answered

    # --- the books -------------------------------------------------------------------------------
    async def settle(self, timeout: float = 90.0) -> None:
        answers = {f"o{b[1:]}" for lines in self.lines.values() for b in lines}
        await wait_for(lambda: all(not d.session.outbox.items for d in self.desks), "every desk's outbox drained",
                       timeout=timeout)
        await wait_for(lambda: all(set(self._expected(i)) <= set(v.bodies()) for i, v in enumerate(self.visitors)),
                       "every line and answer on the visitors' websockets", timeout=timeout)
        await wait_for(lambda: answers <= self._desk_bodies() and self._all_lines() <= self._desk_bodies(),
                       "every line and answer in the desks' stores", timeout=timeout)

    def _expected(self, i: int) -> list[str]:
        return [x for line in self.lines[i] for x in (line, "o" + line[1:])]

    def _all_lines(self) -> set[str]:
        return {line for lines in self.lines.values() for line in lines}

    def _desk_bodies(self) -> set[str]:
        return {m.body for d in self.desks for view in d.session.store.conversations.values() for m in view.messages}

    def _check(self, side: str, expected: list[str], got: list[str]) -> None:
        b, counts = self.books, Counter(got)
        for body in expected:
            if counts[body] == 0:
                b.lost += 1
                b.problems.append(f"{side}: lost {body}")
            elif counts[body] > 1:
                b.duplicated += counts[body] - 1
                b.problems.append(f"{side}: {body} {counts[body]} times")
        if [x for x in got if x in set(expected)] != [x for x in expected if counts[x]]:
            b.out_of_order += 1
            b.problems.append(f"{side}: out of order")

    async def check(self) -> None:
        by_visitor = {v.cid: (i, v) for i, v in enumerate(self.visitors)}
        admin_view: dict[int, list[str]] = {}
        for d in self.desks:
            for cid, view in d.session.store.conversations.items():
                if cid not in by_visitor:
                    continue
                i, v = by_visitor[cid]
                expected = self._expected(i)
                self._check(f"desk {d.email} chat {cid}", expected, [m.body for m in view.messages])
                async with ApiClient(self.cluster[0].url, d.session.api.token) as direct:
                    detail = await direct.conversation(cid)
                admin_view[cid] = [m.body for m in detail.messages]
                self._check(f"server chat {cid}", expected, admin_view[cid])
                if [(m.id, m.seq) for m in view.messages] != [(m.id, m.seq) for m in detail.messages]:
                    self.books.problems.append(f"desk {d.email} chat {cid}: store differs from the server")
        for i, v in enumerate(self.visitors):
            self._check(f"visitor {i} websocket", self._expected(i), v.bodies())
            if v.duplicates:
                self.books.duplicated += len(v.duplicates)
                self.books.problems.append(f"visitor {i}: {len(v.duplicates)} delivered twice")
        missing = [v.cid for v in self.visitors if v.cid not in admin_view]
        if missing:
            self.books.problems.append(f"chats held by no desk at the end: {missing[:10]}")

    def gaps(self) -> int:
        return sum(d.gaps() for d in self.desks)

    def summary(self, started: float) -> str:
        b = self.books
        lines = sum(len(x) for x in self.lines.values())
        return (f"cluster chaos: {len(self.cluster.servers)} processes behind HAProxy, {len(self.desks)} desks, "
                f"{len(self.visitors)} visitors; kill -9 x{len(b.kills)} ({', '.join(k for k, _ in b.kills)}); "
                f"sweeper take-overs {', '.join(f'{t:.1f} s' for t in b.takeovers) or 'none'}; "
                f"lines visitor->desk {lines}, answers {sum(len(s) for d in self.desks for s in d.sent.values())}; "
                f"lost {b.lost}; duplicated {b.duplicated}; out of order {b.out_of_order}; desk seq gaps {self.gaps()}; "
                f"desk reconnects {sum(d.session.stream.connections - 1 for d in self.desks)}, "
                f"visitor reconnects {sum(v.connections - 1 for v in self.visitors)}; "
                f"flood {b.flood_admitted} admitted / {b.flood_refused} refused in {b.flood_seconds:.0f} s "
                f"(limit {FLOOD_RATE}/min); {time.monotonic() - started:.0f} s")

    async def aclose(self) -> None:
        for t in self.tasks:
            t.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        for d in self.desks:
            await d.session.stop()
        for v in self.visitors:
            await v.close()
