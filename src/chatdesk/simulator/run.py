"""`chatdesk simulate`: visitors who browse the demo shop, open chats, answer operators after a
human-like delay and sometimes come back as returning visitors.

Bounded on purpose: at most `visitors` people on the site at once, at most PEOPLE_PER_SLOT times
that many distinct people in total, loopback servers only, and it stops by itself after `duration`
seconds.
Pauses scale with the duration so a 10-second test run still shows whole conversations while a
long demo run feels human (seconds between pages and replies).
"""
from __future__ import annotations

import argparse
import asyncio
import ipaddress
import random
import signal
import sys
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from chatdesk.protocol.events import CONVERSATION_CLOSED, CONVERSATION_MISSED, MESSAGE_CREATED
from chatdesk.protocol.limits import API_PREFIX
from chatdesk.simulator import script
from chatdesk.simulator.visitor import VisitorApiError, VisitorConnection
from chatdesk.simulator.walk import walk

MAX_VISITORS = 500
MAX_DURATION = 24 * 3600.0
RETURN_CHANCE = 0.35
PEOPLE_PER_SLOT = 20      # a demo left running keeps getting new faces for about an hour


class SimulatorError(Exception):
    """Cannot run at all (bad URL, server unreachable); the message is for a person."""


@dataclass
class SimSummary:
    visitors: int = 0
    returning_visits: int = 0
    page_views: int = 0
    chats_opened: int = 0
    messages_sent: int = 0
    messages_received: int = 0
    errors: int = 0
    first_error: str = ""
    server_gone: bool = False

    def line(self) -> str:
        text = (f"simulated {self.visitors} visitors ({self.returning_visits} returning visits), "
                f"{self.page_views} page views, {self.chats_opened} chats opened, "
                f"{self.messages_sent} messages sent, {self.messages_received} received")
        if self.errors:
            text += f"; {self.errors} errors (first: {self.first_error})"
        if self.server_gone:
            text += "; stopped early: the server stopped answering"
        return text


class _Stopped(Exception):
    """The run is over (deadline or stop_event): unwind quietly."""


@dataclass
class _Run:
    base_url: str
    http: httpx.AsyncClient
    rng: random.Random
    pace: float                          # 1.0 = human speed; smaller for short runs
    deadline: float
    stop: asyncio.Event
    max_people: int
    return_chance: float = RETURN_CHANCE
    summary: SimSummary = field(default_factory=SimSummary)

    async def pause(self, seconds: float) -> None:
        """Sleep like a person would, but wake up when the run ends."""
        left = self.deadline - time.monotonic()
        if left <= 0 or self.stop.is_set():
            raise _Stopped
        try:
            await asyncio.wait_for(self.stop.wait(), timeout=min(seconds * self.pace, left))
        except TimeoutError:
            pass
        if self.stop.is_set() or time.monotonic() >= self.deadline:
            raise _Stopped

    failures_in_a_row: int = 0

    def error(self, e: Exception) -> None:
        self.summary.errors += 1
        self.summary.first_error = self.summary.first_error or str(e)
        self.failures_in_a_row += 1

    async def give_up_if_server_gone(self) -> None:
        """Many failures in a row and no health answer: the server is gone, so stop by ourselves
        instead of knocking until the deadline."""
        if self.failures_in_a_row < 10:
            return
        try:
            (await self.http.get(self.base_url + API_PREFIX + "/health", timeout=3)).raise_for_status()
            self.failures_in_a_row = 0
        except httpx.HTTPError as e:
            self.summary.server_gone = True
            self.stop.set()
            raise _Stopped from e


def check_loopback(url: str) -> str:
    """The simulator is a load tool: it only ever talks to a server on this machine."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SimulatorError(f"{url!r} is not an http:// address of a chat server.")
    host = parts.hostname
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise SimulatorError(f"The simulator only talks to a server on this machine "
                             f"(127.0.0.1, ::1 or localhost), not {host!r}.")
    return f"{parts.scheme}://{parts.netloc}"


async def _chat(run: _Run, conn: VisitorConnection, who: script.VisitorPersona,
                returning: bool, always: bool) -> None:
    """Open a chat and talk until the visitor is done, the operator closes it, or patience ends."""
    conn.open_stream()
    opener = who.opener(run.rng, returning)
    await _compose(run, conn, opener)
    since = time.time()     # same machine as the server (loopback only), so clocks agree
    conv_id = await conn.start_chat(opener, who.name if who.gives_name else None,
                                    who.topic.department)
    run.summary.chats_opened += 1
    run.summary.messages_sent += 1
    await _converse(run, conn, who, conv_id, since, always)


async def _converse(run: _Run, conn: VisitorConnection, who: script.VisitorPersona, conv_id: int,
                    since: float, always: bool, waits_for_first_answer: bool = False) -> None:
    """Answer the operator's lines in this chat until the visitor is done or it closes.
    `waits_for_first_answer`: until an operator has written, patience never runs out (the chat
    the demo leaves to the person at the desk, whose desk may still be starting on a busy
    machine); after that, patience as usual."""
    nudged = False
    answered = False
    while True:
        patience = run.rng.uniform(60, 150) * run.pace
        try:
            frame = await _next_event(run, conn, patience)
        except TimeoutError:
            if waits_for_first_answer and not answered:
                continue                               # still waiting for the desk: stays
            if nudged or run.rng.random() < 0.3:
                return                                 # gives up and leaves
            nudged = True
            await _say(run, conn, run.rng.choice(script.WAITING))
            continue
        kind, data = frame.get("type"), frame.get("data") or {}
        if frame.get("conversation_id") != conv_id:
            continue            # the stream replays a returning visitor's earlier chats too
        if kind in (CONVERSATION_CLOSED, CONVERSATION_MISSED):
            return
        if kind != MESSAGE_CREATED or data.get("author_type") != "operator" \
                or data.get("kind", "text") != "text" or data.get("ts", since) < since - 1:
            continue            # (an old answer in a chat left open last time is not news)
        run.summary.messages_received += 1
        answered = True
        await run.pause(run.rng.uniform(2.0, 6.0))     # reads the answer, thinks
        line = who.reply_to(str(data.get("body", "")), run.rng)
        if line is None:
            if not always and run.rng.random() < 0.5:
                return                                  # says nothing more and wanders off
            continue
        await _say(run, conn, line)


async def _next_event(run: _Run, conn: VisitorConnection, timeout: float) -> dict[str, Any]:
    left = run.deadline - time.monotonic()
    if left <= 0 or run.stop.is_set():
        raise _Stopped
    stop_wait = asyncio.ensure_future(run.stop.wait())
    get = asyncio.ensure_future(conn.inbox.get())
    await asyncio.wait({stop_wait, get}, timeout=min(timeout, left),
                       return_when=asyncio.FIRST_COMPLETED)
    stop_wait.cancel()
    get.cancel()
    if get.done() and not get.cancelled():   # also when it finished just after the wait
        return get.result()
    if run.stop.is_set() or time.monotonic() >= run.deadline:
        raise _Stopped
    raise TimeoutError


async def _compose(run: _Run, conn: VisitorConnection, text: str) -> None:
    """Type the line in a few bursts, each sent as a typing frame with the draft so far (the
    operator's sneak peek). Now and then a word is typed and taken back, as people do."""
    words = text.split()
    step = max(1, len(words) // 3)
    for end in range(step, len(words), step):
        draft = " ".join(words[:end])
        if run.rng.random() < 0.15:
            await conn.typing(True, draft + " " + run.rng.choice(script.SECOND_THOUGHTS))
            await run.pause(run.rng.uniform(0.8, 2.0))
        await conn.typing(True, draft)
        await run.pause(run.rng.uniform(0.6, 1.6))
    await conn.typing(True, text)
    await run.pause(run.rng.uniform(0.3, 0.8))
    await conn.typing(False, "")


async def _say(run: _Run, conn: VisitorConnection, text: str) -> None:
    await _compose(run, conn, text)
    await conn.send(text)
    run.summary.messages_sent += 1


async def _visit(run: _Run, who: script.VisitorPersona, visitor_id: str | None,
                 always_chat: bool) -> str | None:
    """One visit: land from a referrer, browse, maybe chat, leave. Returns the visitor id."""
    conn = VisitorConnection(run.http, run.base_url)
    pages = script.browse_path(run.rng, who, short=always_chat)   # the first chat comes early
    ref, campaign = run.rng.choice(script.REFERRERS) if visitor_id is None else ("", "")
    first, *rest = pages
    sep = "&" if "?" in first[0] else "?"
    landing = run.base_url + first[0] + (sep + campaign[1:] if campaign else "")

    async def view(url: str, title: str, previous: str) -> None:
        if not previous:                        # the landing page starts the visit
            await conn.start_session(landing, title, ref, visitor_id)
            run.failures_in_a_row = 0
            if visitor_id is None:
                run.summary.visitors += 1
            else:           # same visitor_id as before: the server knows them (history, last operator)
                run.summary.returning_visits += 1
        else:
            await conn.page_view(url, title, previous)
        run.summary.page_views += 1

    try:
        way = [(landing, first[1])] + [(run.base_url + path, title) for path, title in rest]
        async for _page in walk(way, view, lambda: run.pause(run.rng.uniform(4.0, 14.0))):
            pass
        # People who come back mostly come back with a question (that is what makes a demo's
        # sticky routing and visitor history visible).
        chance = max(0.6, who.chatty) if visitor_id else who.chatty * 0.8
        if always_chat or run.rng.random() < chance:
            await _chat(run, conn, who, returning=visitor_id is not None, always=always_chat)
            await run.pause(run.rng.uniform(3.0, 10.0))  # lingers a little after the chat
    except VisitorApiError as e:
        run.error(e)
    finally:
        await conn.close()
    return conn.visitor_id


async def _slot(run: _Run, index: int) -> None:
    """One place on the site: a person visits, maybe returns later, then someone new arrives."""
    # Arrivals spread over the first part of the run; the first visitor always chats so a demo
    # or a test is never left with an empty queue.
    if index:
        await run.pause(run.rng.uniform(0.5, 20.0))
    first = index == 0
    while True:
        if run.summary.visitors >= run.max_people:
            return
        who = script.new_persona(run.rng)
        visitor_id = await _visit(run, who, None, always_chat=first)
        await run.give_up_if_server_gone()
        first = False
        while visitor_id and run.rng.random() < run.return_chance:
            # Longer than any pause inside a visit (pages <= 14 s apart), so a server with a
            # visit gap of ~30 s (`chatdesk server --visit-gap 30`) counts it as a new visit.
            await run.pause(run.rng.uniform(40.0, 100.0))
            who.turns_left = run.rng.randint(1, 3)
            visitor_id = await _visit(run, who, visitor_id, always_chat=False) or visitor_id
            await run.give_up_if_server_gone()
        await run.pause(run.rng.uniform(5.0, 20.0))


async def simulate(url: str, visitors: int, duration: float, seed: int | None = None,
                   stop_event: asyncio.Event | None = None, *,
                   return_chance: float = RETURN_CHANCE, pace: float | None = None) -> SimSummary:
    """Run simulated visitors against the chat server at `url` until `duration` seconds have
    passed or `stop_event` is set; returns the counts. Raises SimulatorError when it cannot run.
    `return_chance` is how likely a visitor comes back after a visit (tests set it to 1); `pace`
    scales every pause (1.0 = human speed; by default it shrinks for runs shorter than 150 s)."""
    base_url = check_loopback(url)
    visitors = max(1, min(int(visitors), MAX_VISITORS))
    duration = max(0.0, min(float(duration), MAX_DURATION))
    stop = stop_event or asyncio.Event()
    limits = httpx.Limits(max_connections=min(100, visitors * 2))
    async with httpx.AsyncClient(timeout=10.0, limits=limits, trust_env=False) as http:
        try:
            (await http.get(base_url + API_PREFIX + "/health")).raise_for_status()
        except httpx.HTTPError as e:
            raise SimulatorError(f"No chat server answers at {base_url} ({e.__class__.__name__}).") from e
        run = _Run(base_url=base_url, http=http, rng=random.Random(seed),
                   pace=pace if pace is not None else min(1.0, max(0.04, duration / 150.0)),
                   deadline=time.monotonic() + duration, stop=stop, max_people=visitors * PEOPLE_PER_SLOT,
                   return_chance=return_chance)
        tasks = [asyncio.create_task(_guard(run, _slot(run, i))) for i in range(visitors)]
        # Every wait in a slot is bounded by the deadline; the grace covers in-flight requests.
        _, late = await asyncio.wait(tasks, timeout=duration + 5.0)
        for t in late:
            t.cancel()
        await asyncio.gather(*late, return_exceptions=True)
    return run.summary


async def follow_up(url: str, visitor_id: str, name: str, topic: str = "sizes",
                    duration: float = MAX_DURATION, pace: float = 1.0) -> bool:
    """A known visitor whose chat is open already (the demo's returning visitor) comes back to
    the page and answers the operator like any simulated visitor, waiting for the first answer
    however long the desk takes. False when no chat is open. `pace` scales every pause."""
    base_url = check_loopback(url)
    async with httpx.AsyncClient(timeout=10.0, trust_env=False) as http:
        run = _Run(base_url=base_url, http=http, rng=random.Random(), pace=pace,
                   deadline=time.monotonic() + duration, stop=asyncio.Event(), max_people=1)
        conn = VisitorConnection(http, base_url)
        who = script.VisitorPersona(name=name, topic=next((t for t in script.TOPICS if t.name == topic), script.TOPICS[0]), gives_name=True, chatty=1.0,
                                    turns_left=run.rng.randint(3, 5))
        try:
            path, title = who.topic.page
            await _start_session_patiently(run, conn, base_url + path, title, visitor_id)
            if conn.conversation_id is None:
                return False
            conn.open_stream()
            await _guard(run, _converse(run, conn, who, conn.conversation_id, time.time(), always=True,
                                        waits_for_first_answer=True))
            return True
        finally:
            await conn.close()


async def _start_session_patiently(run: _Run, conn: VisitorConnection, url: str, title: str,
                                   visitor_id: str, tries: int = 10) -> None:
    """The first call after the server (re)started can time out on a busy machine: try again a
    few times, a little later each time, before giving up."""
    for attempt in range(tries):
        try:
            await conn.start_session(url, title, "", visitor_id)
            return
        except VisitorApiError:
            if attempt == tries - 1:
                raise
            await run.pause(min(5.0, 0.5 * 2 ** attempt))


async def _guard(run: _Run, work: Awaitable[None]) -> None:
    try:
        await work
    except _Stopped:
        pass
    except Exception as e:  # one broken visitor must not end the others' run
        run.error(e)


def run_simulator(args: argparse.Namespace) -> int:
    """Entry point of `chatdesk simulate`. Ctrl+C ends the run early and still prints the summary."""
    async def main() -> SimSummary:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError):
                pass
        return await simulate(args.sim_url, args.visitors, args.duration, args.seed, stop)

    try:
        summary = asyncio.run(main())
    except SimulatorError as e:
        print(f"chatdesk simulate: {e}", file=sys.stderr)
        return 2
    print(summary.line())
    return 1 if summary.server_gone else 0
