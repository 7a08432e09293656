"""The scripted exchange the chaos tests run through the proxy, and the books that prove it:
every message once, in order, on both sides; the draft kept.

Rounds: the visitor writes 1-3 messages (REST, retried with the same client_msg_id); once the
desk's store holds them, the operator answers with 1-2 via DeskSession.send (the outbox delivers);
the next round starts once the visitor's websocket has the previous round's answers. The pace is
set by delivery itself, so there is no sleep here; the proxy cuts at random meanwhile.
"""
from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from chatdesk.client.api import ApiClient
from chatdesk.client.session import DeskSession
from chatdesk.client.view import ConversationView
from tests.support.chaos_proxy import ChaosProxy
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for

PING = 0.5            # keepalive pings: a half-open link is noticed within about a second
HTTP_TIMEOUT = 1.0
RETRY_FOR = 60.0      # REST calls keep trying this long (the server may be restarting)


@dataclass
class Books:
    """What was sent and what each side ended up with."""
    v_sent: list[str] = field(default_factory=list)
    o_sent: list[str] = field(default_factory=list)
    rounds: int = 0
    problems: list[str] = field(default_factory=list)
    lost: int = 0
    duplicated: int = 0

    def check_side(self, side: str, got: list[tuple[str, str]]) -> None:
        """`got`: (author_type, body) in the order that side holds them (seq order)."""
        counts = Counter(body for _, body in got)
        for body in (*self.v_sent, *self.o_sent):
            if counts[body] == 0:
                self.lost += 1
                self.problems.append(f"{side}: lost {body!r}")
            elif counts[body] > 1:
                self.duplicated += counts[body] - 1
                self.problems.append(f"{side}: {body!r} {counts[body]} times")
        for author, sent in (("visitor", self.v_sent), ("operator", self.o_sent)):
            order = [b for a, b in got if a == author and b in set(sent)]
            if order != [b for b in sent if b in counts]:
                self.problems.append(f"{side}: {author} messages out of order")

    def check_seqs(self, side: str, seqs: list[int]) -> None:
        if any(b <= a for a, b in zip(seqs, seqs[1:], strict=False)):
            self.problems.append(f"{side}: seq not strictly increasing")


class Exchange:
    def __init__(self, srv, proxy: ChaosProxy, state_dir, seed: int):
        self.srv, self.proxy, self.state_dir = srv, proxy, state_dir
        self.rng = random.Random(seed)
        self.books = Books()
        self.session: DeskSession | None = None
        self.visitor: Visitor | None = None
        self.view: ConversationView | None = None
        self.cid = 0
        self.chaos_seconds = self.settle_seconds = 0.0
        self.desk_notices: list[str] = []

    async def setup(self) -> None:
        token = await asyncio.to_thread(self.srv.operator, "ana@example.com", "Ana")
        self.session = DeskSession(self.proxy.url, token, state_dir=self.state_dir,
                                   http_timeout=HTTP_TIMEOUT, ping_interval=PING)
        await self.session.start()
        self.session.store.subscribe(lambda c: c.kind == "notice" and self.desk_notices.append(c.text))
        await self.session.set_status("online")
        self.visitor = await Visitor(self.proxy, timeout=HTTP_TIMEOUT, retry_for=RETRY_FOR,
                                     ping_interval=PING, open_timeout=2.0).arrive()
        self.visitor.start_stream()
        self.books.v_sent.append("v000.0 hello, is anyone there?")
        self.cid = await self.visitor.start_chat(self.books.v_sent[0], name="Maria")
        await wait_for(lambda: self.cid in self.session.store.queue, what="the chat in the queue")
        self.view = await self.session.accept(self.cid)
        self.view.draft = "a half-typed answer about the kettle"
        await wait_for(lambda: self.visitor.live, what="the visitor stream")

    async def aclose(self) -> None:
        if self.session is not None:
            await self.session.stop()
        if self.visitor is not None:
            await self.visitor.close()

    def _store_bodies(self, author: str) -> set[str]:
        return {m.body for m in self.view.messages if m.author_type == author}

    async def round(self, timeout: float) -> None:
        b, v, s = self.books, self.visitor, self.session
        b.rounds += 1
        r = b.rounds
        for j in range(self.rng.randint(1, 3)):
            body = f"v{r:03d}.{j}"
            await v.say(body)
            b.v_sent.append(body)
        want_v = set(b.v_sent)
        await wait_for(lambda: want_v <= self._store_bodies("visitor"),
                       f"round {r}: the visitor's messages in the desk's store", timeout=timeout)
        if self.view.draft != "a half-typed answer about the kettle":
            b.problems.append(f"round {r}: draft lost ({self.view.draft!r})")
        if s.store.conversations.get(self.cid) is not self.view:
            b.problems.append(f"round {r}: the conversation view was replaced")
        prev = set(b.o_sent)
        for j in range(self.rng.randint(1, 2)):
            out = s.send(self.cid, f"o{r:03d}.{j}")
            b.o_sent.append(out.body)
        await wait_for(lambda: prev <= set(v.bodies("operator")),
                       f"round {r}: the previous answers on the visitor's websocket", timeout=timeout)

    async def run(self, chaos: asyncio.Task, min_rounds: int = 3, timeout: float = 30.0) -> None:
        started = time.monotonic()
        while not chaos.done() or self.books.rounds < min_rounds:
            await self.round(timeout)
        await chaos               # raises if the chaos could not place its cuts
        self.chaos_seconds = time.monotonic() - started

    async def settle(self, timeout: float = 30.0) -> None:
        """Wait until both sides have everything (or the deadline), then do the books."""
        b, v, s, view = self.books, self.visitor, self.session, self.view
        everything = set(b.v_sent) | set(b.o_sent)
        started = deadline = time.monotonic()
        deadline += timeout
        while time.monotonic() < deadline:
            if (everything <= {m.body for m in view.messages} and everything <= set(v.bodies())
                    and not s.outbox.items and not view.pending and not view.needs_reload):
                break
            await asyncio.sleep(0.05)
        self.settle_seconds = time.monotonic() - started
        rest_visitor = await v.transcript()
        # The server's own record, read past the proxy: a link it still holds half-open after the
        # last cut would only time this read out, and the record is what the books compare with.
        async with ApiClient(self.srv.url, s.api.token) as direct:
            rest_desk = await direct.conversation(self.cid)
        b.check_side("desk store", [(m.author_type, m.body) for m in view.messages])
        b.check_side("visitor websocket", [(m["author_type"], m["body"]) for m in v.received])
        b.check_side("visitor REST", [(m["author_type"], m["body"]) for m in rest_visitor])
        b.check_seqs("desk store", [m.seq for m in view.messages])
        b.check_seqs("visitor websocket (delivery order)", [m["seq"] for m in v.received])
        b.check_seqs("visitor REST", [m["seq"] for m in rest_visitor])
        if [(m.id, m.seq) for m in view.messages] != [(m.id, m.seq) for m in rest_desk.messages]:
            b.problems.append("desk store differs from the server's transcript")
        if v.duplicates:
            b.duplicated += len(v.duplicates)
            b.problems.append(f"visitor websocket: {len(v.duplicates)} messages delivered twice")
        if s.outbox.items:
            b.problems.append(f"outbox still holds {len(s.outbox.items)} messages")
        if view.draft != "a half-typed answer about the kettle":
            b.problems.append("draft lost")

    def resets_desk(self) -> int:
        return sum("reloaded everything" in n for n in self.desk_notices)

    def summary(self, started: float) -> str:
        b, v, s = self.books, self.visitor, self.session
        return (f"chaos summary: seed {self.proxy.seed}; {self.proxy.summary()}; rounds {b.rounds}; "
                f"messages visitor->operator {len(b.v_sent)}, operator->visitor {len(b.o_sent)}; "
                f"lost {b.lost}; duplicated {b.duplicated}; problems {len(b.problems)}; "
                f"reconnects desk {s.stream.connections - 1}, "
                f"visitor {v.connections - 1}; resets desk {self.resets_desk()}, visitor {v.resets}; "
                f"replayed frames skipped {v.replayed}; "
                f"{time.monotonic() - started:.1f} s (chaos {self.chaos_seconds:.1f}, "
                f"settling {self.settle_seconds:.1f})")
