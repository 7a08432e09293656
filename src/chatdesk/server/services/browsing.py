"""Visitors on the site: who is browsing now, what their page reported about the visit, and the
batched feed that tells the desks what changed.

On the site means a page view, a heartbeat or a stream frame within --browsing-idle seconds, or an
open visitor stream. That is kept in memory (ServerContext.visitor_activity), so a heartbeat costs
no write.

The feed to the desks is ephemeral (frame `visitors.browsing`, never in the event log): presence
is a view of now, so replaying who browsed an hour ago to a desk that resumes is worthless, and a
crowd of 2,000 beating every few seconds would be most of the log. A desk loads GET /browsing on
start and after reconnecting and then applies the frames. They are batched: at most one frame per
--browsing-batch seconds for all changes, and above BATCH_ROWS changed rows a `reload` instead,
so a busy site costs each desk one small frame a second whatever the crowd.

With --cluster the list is every process's together: a process counts the visitors its peers
report on the site (cluster/presence.py, read at each heartbeat) with its own, and the last
activity a desk sees is the one the members report, so GET /browsing answers the same on every
process once a heartbeat or two has passed. Each process's feed tells every desk (over the bus)
the rows that changed here, split into frames a datagram can carry, and tells its own desks only
who has gone from the whole list and the rows of visitors that reached the list through a peer,
so a frame lost on the bus or a reload answered by a process a beat behind is made good at the
next batch."""
from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import and_, insert, select, update

from chatdesk.protocol import events as ev

from ..cluster.bus import MAX_DATAGRAM
from ..context import ServerContext
from ..eventlog.audience import ToOperators
from ..eventlog.log import Tx
from ..storage import rows
from ..storage.db import AnyConn
from ..storage.schema import conversations as C
from ..storage.schema import invitations as I
from ..storage.schema import visitor_browsing as B
from ..storage.schema import visitors as V

log = logging.getLogger("chatdesk.server.browsing")
BATCH_ROWS = 200           # more changed rows than this in one batch: the desks reload instead
CHUNK = 500                # ids per IN (...) query
FRAME_BYTES = MAX_DATAGRAM - 1000   # a relayed frame's rows: room left for the envelope and tag
UTM = ("source", "medium", "campaign")
STATE_RANK = {"chatting": 3, "queued": 2, "invited": 1, "browsing": 0}


def campaign_of(url: str) -> dict[str, str]:
    """utm_source, utm_medium and utm_campaign from a page URL's query ("" when absent)."""
    try:
        query = parse_qs(urlsplit(url).query)
    except ValueError:
        query = {}
    return {key: (query.get(f"utm_{key}") or [""])[0][:120] for key in UTM}


def touched(ctx: ServerContext, vid: str) -> None:
    """The visitor did something: they are on the site, and their row on the desks changed."""
    ctx.visitor_activity[vid] = ctx.clock()
    ctx.browsing_changed.add(vid)


def still_here(ctx: ServerContext, vid: str) -> None:
    """A heartbeat: on the site still. Their row on the desks changes only if they had gone (past
    --browsing-idle); a beat that changes nothing sends nothing, or 2,000 visitors beating every
    10 s would be 200 rows a second on every desk (and past BATCH_ROWS, a reload each second)."""
    now, last = ctx.clock(), ctx.visitor_activity.get(vid)
    ctx.visitor_activity[vid] = now
    if last is None or now - last > ctx.config.browsing_idle:
        ctx.browsing_changed.add(vid)


async def on_pageview(ctx: ServerContext, tx: Tx, vid: str, visit_no: int, url: str, now: float) -> None:
    """A page opened: its clock starts; a new visit takes the campaign of its landing page."""
    utm = campaign_of(url)
    row = (await tx.conn.execute(select(B).where(B.c.visitor_id == vid))).first()
    values: dict[str, Any] = {"page_started_at": now, "visit_no": visit_no}
    if row is None or row.visit_no != visit_no or any(utm.values()):
        values.update({f"utm_{k}": v for k, v in utm.items()})
    if row is None:
        await tx.conn.execute(insert(B).values(visitor_id=vid, **values))
    else:
        await tx.conn.execute(update(B).where(B.c.visitor_id == vid).values(**values))
    touched(ctx, vid)


async def set_fields(ctx: ServerContext, tx: Tx, vid: str, **values: Any) -> None:
    """Cart or language, as the page or widget reported them."""
    found = (await tx.conn.execute(update(B).where(B.c.visitor_id == vid).values(**values))).rowcount
    if not found:
        await tx.conn.execute(insert(B).values(visitor_id=vid, page_started_at=ctx.clock(), **values))
    touched(ctx, vid)


def online_ids(ctx: ServerContext) -> list[str]:
    now, idle = ctx.clock(), ctx.config.browsing_idle
    ids = {vid for vid, t in ctx.visitor_activity.items() if now - t <= idle}
    ids |= ctx.hub.visitor_streams.keys()
    if ctx.presence is not None:
        ids |= ctx.presence.on_site_elsewhere()
    return sorted(ids)


def _last_seen(ctx: ServerContext, r: Any, now: float) -> float:
    if ctx.presence is None:
        return ctx.visitor_activity.get(r.id, r.last_seen)
    reported = ctx.presence.last_seen(r.id, now)
    return r.last_seen if reported is None else max(r.last_seen, reported)


def _chunks(ids: list[str]):
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


async def visitors_now(ctx: ServerContext, conn: AnyConn, vids: list[str]) -> list[dict[str, Any]]:
    """BrowsingVisitor rows for these ids (unknown ids are left out)."""
    now, found = ctx.clock(), []
    for ids in _chunks(vids):
        base = (await conn.execute(select(V, B).select_from(V.outerjoin(B, B.c.visitor_id == V.c.id))
                                   .where(V.c.id.in_(ids)))).all()
        states = dict((await conn.execute(select(C.c.visitor_id, C.c.state).where(
            C.c.visitor_id.in_(ids), C.c.state.in_(rows.OPEN_STATES)))).all())
        invited = set((await conn.execute(select(I.c.visitor_id).join(V, and_(
            V.c.id == I.c.visitor_id, V.c.visit_count == I.c.visit_no)).where(
            I.c.visitor_id.in_(ids), I.c.state.in_(("sent", "shown"))))).scalars())
        for r in base:
            state = {"active": "chatting", "queued": "queued"}.get(states.get(r.id, ""), "")
            found.append(_row(r, state or ("invited" if r.id in invited else "browsing"), now,
                              _last_seen(ctx, r, now)))
    return found


def _row(r: Any, state: str, now: float, last_seen: float) -> dict[str, Any]:
    started = r.page_started_at if r.page_started_at is not None else r.last_seen
    cart = None if r.cart_value is None else {"value": r.cart_value, "currency": r.cart_currency,
                                                 "items": r.cart_items}
    return {"id": r.id, "name": r.name, "current_url": r.current_url, "current_title": r.current_title,
            "page_seconds": max(0.0, now - started), "time_on_site": max(0.0, now - r.visit_started_at),
            "visit_count": r.visit_count, "returning": r.visit_count > 1, "referrer": r.referrer,
            "campaign": {k: getattr(r, f"utm_{k}") or "" for k in UTM}, "cart": cart,
            "language": r.language or "", "state": state, "last_seen": last_seen}


def _wanted(v: dict[str, Any], q: str, state: str | None, returning: bool | None,
            min_cart: float | None) -> bool:
    if state is not None and v["state"] != state:
        return False
    if returning is not None and v["returning"] != returning:
        return False
    if min_cart is not None and (v["cart"] is None or v["cart"]["value"] < min_cart):
        return False
    if q:
        hay = " ".join((v["name"], v["current_url"], v["current_title"], v["referrer"],
                        *v["campaign"].values())).lower()
        return q.lower() in hay
    return True


def _sort_key(sort: str):
    if sort == "cart_value":
        return lambda v: (v["cart"]["value"] if v["cart"] else -1.0, v["id"])
    return lambda v: (v[sort], v["id"])


async def page(ctx: ServerContext, *, sort: str, descending: bool, q: str, state: str | None,
               returning: bool | None, min_cart: float | None, offset: int, limit: int) -> dict[str, Any]:
    ids = online_ids(ctx)
    async with ctx.store.read() as conn:
        everyone = await visitors_now(ctx, conn, ids)
    chosen = sorted((v for v in everyone if _wanted(v, q, state, returning, min_cart)),
                    key=_sort_key(sort), reverse=descending)
    return {"visitors": chosen[offset:offset + limit], "total": len(chosen), "online": len(everyone)}


# --- the feed ---------------------------------------------------------------------------------

class Feed:
    """What the desks were last told, so the next batch can say who has gone. With --cluster,
    `for_peers` holds what the batch has for the other processes' desks."""

    def __init__(self) -> None:
        self.listed: set[str] = set()
        self.for_peers: list[dict[str, Any]] = []

    async def batch(self, ctx: ServerContext) -> dict[str, Any] | None:
        """The frame for this process's desks (with one process, for every desk)."""
        online = set(online_ids(ctx))
        changed, ctx.browsing_changed = ctx.browsing_changed & online, set()
        gone = sorted(self.listed - online)
        arrived = online - self.listed - changed if ctx.presence is not None else set()
        self.listed, self.for_peers = online, []
        if not changed and not gone and not arrived:
            return None
        if len(changed) > BATCH_ROWS:
            frame = {"type": ev.BROWSING, "reload": True, "online": len(online)}
            self.for_peers = [frame]
            return frame
        if len(changed | arrived) > BATCH_ROWS:
            return {"type": ev.BROWSING, "reload": True, "online": len(online)}
        async with ctx.store.read() as conn:
            fresh = await visitors_now(ctx, conn, sorted(changed | arrived))
        if ctx.presence is not None and changed:
            self.for_peers = list(fit_datagrams([v for v in fresh if v["id"] in changed], len(online)))
        return {"type": ev.BROWSING, "visitors": fresh, "gone": gone, "online": len(online)}


def fit_datagrams(visitors: list[dict[str, Any]], online: int) -> Iterator[dict[str, Any]]:
    """Frames of these rows, each small enough for one bus datagram (a bigger one is not relayed);
    a row too big on its own goes alone and is lost on the bus (the desks' next reload has it)."""
    piece: list[dict[str, Any]] = []
    size = 0
    for v in visitors:
        n = len(json.dumps(v, separators=(",", ":"))) + 1
        if piece and size + n > FRAME_BYTES:
            yield {"type": ev.BROWSING, "visitors": piece, "online": online}
            piece, size = [], 0
        piece.append(v)
        size += n
    if piece:
        yield {"type": ev.BROWSING, "visitors": piece, "online": online}


async def run(ctx: ServerContext) -> None:
    """One batch per --browsing-batch seconds to every operator stream."""
    feed = Feed()
    while True:
        await asyncio.sleep(ctx.config.browsing_batch)
        try:
            frame = await feed.batch(ctx)
        except asyncio.CancelledError:
            raise
        except Exception:  # a failed batch must not stop the feed for good
            log.exception("visitors feed batch failed")
            continue
        if ctx.presence is None or ctx.hub.relay is None:
            if frame is not None:
                ctx.hub.send(frame, to=ToOperators())
            continue
        if frame is not None:
            ctx.hub.send_here(frame, ToOperators())
        for piece in feed.for_peers:
            ctx.hub.relay.frame(piece, ToOperators())
