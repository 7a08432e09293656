"""The visitor's side (the widget and the simulator): sessions, page views, chats, messages,
ratings. A visitor reaches only their own visitor and conversations (anything else is a 404, so
ids cannot be probed) and sees a conversation only as `rows.visitor_view` shows it."""
from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import func, insert, select, update

from chatdesk.protocol import events as ev

from ..config import ServerConfig
from ..context import ServerContext
from ..eventlog.log import Tx
from ..security.passwords import new_token, token_hash
from ..storage import rows
from ..storage.db import AnyConn
from ..storage.schema import pageviews as PV
from ..storage.schema import visitor_tokens as VT
from ..storage.schema import visitors as V
from . import browsing
from . import conversations as convs
from .availability import refuse_when_closed
from .errors import conflict, not_found
from .transcripts import rate as store_rating
from .visitor_flows import session_extras, text_overrides
from .visitors import event_audience
from .widget_texts import catalogue, choose_language


async def _new_visit_needed(ctx: ServerContext, tx: Tx, vid: str, now: float, gap: float) -> bool:
    """Quiet for longer than the gap since the last page view, heartbeat or stream frame: a tab
    that kept beating on one page is still the same visit."""
    last = (await tx.conn.execute(select(func.max(PV.c.ts)).where(PV.c.visitor_id == vid))).scalar()
    if last is None:
        return False
    return now - max(last, ctx.visitor_activity.get(vid, last)) > gap


async def record_pageview(ctx: ServerContext, tx: Tx, vid: str, url: str, title: str, referrer: str) -> None:
    now = ctx.clock()
    if await _new_visit_needed(ctx, tx, vid, now, ctx.config.visit_gap):
        await tx.conn.execute(update(V).where(V.c.id == vid).values(
            visit_count=V.c.visit_count + 1, visit_started_at=now, referrer=referrer))
    await tx.conn.execute(update(V).where(V.c.id == vid).values(current_url=url, current_title=title,
                                                                last_seen=now))
    v = await rows.visitor_row(tx.conn, vid)
    assert v is not None
    await tx.conn.execute(insert(PV).values(visitor_id=vid, visit_no=v.visit_count, url=url, title=title,
                                            referrer=referrer, ts=now))
    await browsing.on_pageview(ctx, tx, vid, v.visit_count, url, now)
    pageview = {"url": url, "title": title, "referrer": referrer, "ts": now}
    await tx.emit(ev.VISITOR_PAGEVIEW, {"visitor_id": vid, "pageview": pageview,
                                        "visitor": rows.visitor_dict(v, ctx.hub.visitor_connected(vid))},
                  **await event_audience(tx.conn, vid))


async def start_session(ctx: ServerContext, *, visitor_id: str | None, url: str, title: str,
                        referrer: str, lang: str = "") -> dict[str, Any]:
    """A token for a known visitor id, or a new visitor (ids are never chosen by the client), with
    the widget's texts in the language the shop or the page asks for."""
    now, token = ctx.clock(), new_token()
    async with ctx.store.tx() as tx:
        row = await rows.visitor_row(tx.conn, visitor_id) if visitor_id else None
        vid = row.id if row else secrets.token_urlsafe(16)
        if row is None:
            await tx.conn.execute(insert(V).values(id=vid, first_seen=now, last_seen=now, visit_count=1,
                                                   visit_started_at=now, referrer=referrer))
        await tx.conn.execute(insert(VT).values(token_hash=token_hash(token), visitor_id=vid, created_at=now))
        if url:
            await record_pageview(ctx, tx, vid, url, title, referrer)
        v = await rows.visitor_row(tx.conn, vid)
        assert v is not None
        cid = await rows.open_conversation_id(tx.conn, vid)
        extras = await session_extras(ctx, tx.conn, v.last_operator_id)
    ctx.visitor_tokens.remember(token, vid)          # committed: the heartbeat's look-up is spared
    browsing.touched(ctx, vid)
    return {"visitor_id": vid, "visitor_token": token, "returning": v.visit_count > 1,
            "visit_count": v.visit_count, "name": v.name, "conversation_id": cid,
            **widget_look(lang, ctx.config), **extras}


def widget_look(page_lang: str, config: ServerConfig) -> dict[str, Any]:
    """The texts in the chosen language (the shop's overrides on top: the widget file's, then the
    flows file's busy message) and the shop's branding."""
    chosen = choose_language(page_lang, config.widget_language)
    overrides = {lang: dict(texts) for lang, texts in config.widget.texts.items()}
    for lang, texts in text_overrides(config.flows).items():
        overrides.setdefault(lang, {}).update(texts)
    texts = catalogue(chosen, overrides)
    return {"lang": chosen, "texts": texts, "branding": config.widget.branding.answer(texts)}


async def pageview(ctx: ServerContext, vid: str, url: str, title: str, referrer: str) -> None:
    async with ctx.store.tx() as tx:
        await record_pageview(ctx, tx, vid, url, title, referrer)
    browsing.touched(ctx, vid)


async def start_conversation(ctx: ServerContext, vid: str, *, client_msg_id: str, body: str,
                             name: str | None, email: str | None, department: str | None,
                             address: str) -> dict[str, Any]:
    """The visitor's first message: a new queued chat (within the flood limits, 429 past them) or
    a message in their open one."""
    async with ctx.store.tx() as tx:
        if await rows.open_conversation_id(tx.conn, vid) is None:
            refuse_when_closed(ctx.config.flows, department, ctx.now())
        if email:   # the pre-chat form's e-mail: a contact field, like the name (free text)
            await tx.conn.execute(update(V).where(V.c.id == vid).values(email=email))
        conv, msg, _created = await convs.start_by_visitor(
            tx, vid, client_msg_id=client_msg_id, body=body, name=name,
            department=department, connected=ctx.hub.visitor_connected(vid), gate=ctx.chats.gate(address, vid))
    browsing.touched(ctx, vid)
    return {"conversation": rows.visitor_view(conv), "message": msg}


async def own(conn: AnyConn, vid: str, cid: int) -> dict[str, Any]:
    conv = await rows.conversation(conn, cid)
    if conv is None or conv["visitor_id"] != vid:
        raise not_found(f"conversation {cid} for this visitor")
    return conv


async def conversation(conn: AnyConn, vid: str, cid: int) -> dict[str, Any]:
    conv = await own(conn, vid, cid)
    return {"conversation": rows.visitor_view(conv), "messages": await rows.messages(conn, cid, True)}


async def send(ctx: ServerContext, vid: str, cid: int, *, client_msg_id: str, body: str) -> dict[str, Any]:
    async with ctx.store.tx() as tx:
        msg, _created = await convs.visitor_message(tx, vid, cid, client_msg_id=client_msg_id, body=body)
    browsing.touched(ctx, vid)
    return msg


async def close(tx: Tx, vid: str, cid: int) -> dict[str, Any]:
    await own(tx.conn, vid, cid)
    return rows.visitor_view(await convs.close(tx, cid, by_visitor=True))


async def rate(tx: Tx, vid: str, cid: int, rating: int, comment: str) -> dict[str, Any]:
    conv = await own(tx.conn, vid, cid)
    if conv["state"] not in ("active", "closed"):
        raise conflict("not_rateable", "Only a chat an operator answered can be rated.")
    await store_rating(tx.conn, cid, rating, comment)
    # "change" tells the outbox this update is a rating (outbox/webhook_events.py)
    row = await convs.emit_conversation(tx, ev.CONVERSATION_UPDATED, cid,
                                        extra={"change": "rating", "rating_comment": comment})
    return rows.visitor_view(row.data["conversation"])
