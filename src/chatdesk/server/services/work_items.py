"""Work items: callback requests and offline messages that an operator claims, calls or writes,
and marks done with a note. Every change emits request.created / request.updated to every
operator (payload {"request": WorkItem}), so desks update live and the outbox can map them to
webhooks and mail.

States: open -> claimed -> done; release takes a claimed item back to open. Calling a phone item
puts its claimer "on the phone" (refused while they hold chats: on chat or on the phone, never
both); done or release returns them to "online" when no other call of theirs is still going."""
from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import func, insert, select, update

from chatdesk.protocol import events as ev
from chatdesk.protocol.work_items import MAX_PREFERRED_TIME

from ..eventlog.log import Tx
from ..security.tokens import Actor
from ..storage.db import AnyConn
from ..storage.schema import conversations as C
from ..storage.schema import operators as OP
from ..storage.schema import work_items as W
from .accounts import change_status
from .errors import Invalid, conflict, forbidden, not_found
from .work_due import due_at

Json = dict[str, Any]
Admit = Callable[[AnyConn], Awaitable[None]]
PENDING = ("open", "claimed")
OVERDUE_LIST = 50           # overdue items the board lists, the most overdue first


def _select() -> Any:
    return select(W, OP.c.name.label("claimed_by_name")).select_from(
        W.outerjoin(OP, OP.c.id == W.c.claimed_by))


def item_dict(r: Any, now: float) -> Json:
    d = {c.name: getattr(r, c.name) for c in W.columns}
    d["claimed_by_name"] = r.claimed_by_name or ""
    d["overdue"] = d["state"] != "done" and now > d["due_at"]
    return d


async def item(conn: AnyConn, item_id: int) -> Json:
    r = (await conn.execute(_select().where(W.c.id == item_id))).first()
    if r is None:
        raise not_found(f"request {item_id}")
    return item_dict(r, time.time())


def require_contact(channel: str, email: str, phone: str) -> None:
    """The chosen channel's contact field must say where to answer."""
    if channel == "phone" and not phone.strip():
        raise Invalid("Give a phone number for a call back, or choose e-mail.", "contact_missing")
    if channel == "email" and not email.strip():
        raise Invalid("Give an e-mail address for an answer by e-mail, or choose phone.", "contact_missing")


async def create(tx: Tx, *, kind: str, channel: str, name: str = "", email: str = "", phone: str = "",
                 preferred_time: str = "", message: str = "", visitor_id: str | None = None,
                 department: str | None = None, conversation_id: int | None = None,
                 created_by: str = "visitor", due_after: float) -> Json:
    require_contact(channel, email, phone)
    if kind == "offline" and not message.strip():
        raise Invalid("Write the message you would like us to answer.", "message_missing")
    now = time.time()
    res = await tx.conn.execute(insert(W).values(
        kind=kind, channel=channel, state="open", name=name.strip(), email=email.strip(), phone=phone.strip(),
        preferred_time=preferred_time.strip(), message=message, visitor_id=visitor_id,
        department=department or None, conversation_id=conversation_id, created_at=now,
        created_by=created_by, due_at=due_at(preferred_time, now, due_after), done_note=""))
    found = await item(tx.conn, res.inserted_primary_key[0])
    await tx.emit(ev.REQUEST_CREATED, {"request": found}, all_operators=True)
    return found


async def from_visitor(tx: Tx, vid: str, fields: Json, *, admit: Admit, due_after: float) -> Json:
    """A visitor's request (the widget's callback or offline form), within the flood limits
    (`admit`: security/request_limits.py). A chat it names must be the visitor's own."""
    cid = fields.get("conversation_id")
    if cid is not None:
        owner = (await tx.conn.execute(select(C.c.visitor_id).where(C.c.id == cid))).scalar()
        if owner != vid:
            raise not_found(f"conversation {cid} for this visitor")
    require_contact(fields["channel"], fields.get("email", ""), fields.get("phone", ""))
    await admit(tx.conn)
    return await create(tx, **fields, visitor_id=vid, created_by="visitor", due_after=due_after)


async def from_operator(tx: Tx, conv: Json, actor: Actor, *, channel: str, value: str, note: str,
                        name: str, due_after: float) -> Json:
    """The F6 callback an operator records in a chat: a work item for whoever calls back."""
    contact = {"phone": value} if channel == "phone" else {"email": value}
    return await create(tx, kind="callback", channel=channel, name=name, **contact,
                        preferred_time=note[:MAX_PREFERRED_TIME], message=note, visitor_id=conv["visitor_id"],
                        department=conv.get("department"), conversation_id=conv["id"],
                        created_by=actor.name, due_after=due_after)


def _where(actor: Actor, state: str) -> list[Any]:
    if state == "pending":
        return [W.c.state.in_(PENDING)]
    if state == "mine":
        return [W.c.state == "claimed", W.c.claimed_by == actor.id]
    return [W.c.state == state]


async def listing(conn: AnyConn, actor: Actor, state: str, limit: int) -> tuple[list[Json], int]:
    """The most urgent first (due soonest); done ones newest first. `total` counts every match."""
    where = _where(actor, state)
    order = (W.c.done_at.desc(), W.c.id.desc()) if state == "done" else (W.c.due_at, W.c.id)
    now = time.time()
    found = [item_dict(r, now) for r in (await conn.execute(_select().where(*where).order_by(*order)
                                                            .limit(limit))).all()]
    total = len(found)
    if total >= limit:
        total = (await conn.execute(select(func.count()).select_from(W).where(*where))).scalar_one()
    return found, total


async def _changed(tx: Tx, item_id: int, **values: Any) -> Json:
    await tx.conn.execute(update(W).where(W.c.id == item_id).values(**values))
    found = await item(tx.conn, item_id)
    await tx.emit(ev.REQUEST_UPDATED, {"request": found}, all_operators=True)
    return found


def _refuse_taken(found: Json, actor: Actor, doing: str) -> None:
    if found["state"] == "done":
        raise conflict("request_done", "This request is done already.")
    if found["state"] == "claimed" and found["claimed_by"] != actor.id and not actor.is_staff:
        who = found["claimed_by_name"] or "another operator"
        raise conflict("request_claimed", f"{who} has claimed this request; only they can {doing} it.")


async def claim(tx: Tx, item_id: int, actor: Actor) -> Json:
    found = await item(tx.conn, item_id)
    if found["state"] == "claimed" and found["claimed_by"] == actor.id:
        return found
    if found["state"] == "claimed":
        who = found["claimed_by_name"] or "another operator"
        raise conflict("request_claimed", f"{who} has claimed this request already.")
    _refuse_taken(found, actor, "claim")
    return await _changed(tx, item_id, state="claimed", claimed_by=actor.id, claimed_at=time.time())


async def call(tx: Tx, item_id: int, actor: Actor) -> Json:
    """A phone item: claimed by the caller (if it was open) and the caller goes on the phone."""
    found = await item(tx.conn, item_id)
    if found["channel"] != "phone":
        raise conflict("not_a_call", f"This request asks for an answer by e-mail ({found['email']}); "
                                     "write to them and mark it done.")
    _refuse_taken(found, actor, "call")
    if found["state"] == "claimed" and found["claimed_by"] != actor.id:
        raise forbidden("Only the operator who claimed this request can call for it.")
    await change_status(tx, actor.id, "on_phone")      # 409 while holding chats
    now = time.time()
    return await _changed(tx, item_id, state="claimed", claimed_by=actor.id,
                          claimed_at=found["claimed_at"] or now, calling_since=now)


async def _off_phone(tx: Tx, oid: int, item_id: int) -> None:
    """Back to online once no other call of theirs is still going."""
    other = (await tx.conn.execute(select(W.c.id).where(
        W.c.claimed_by == oid, W.c.state == "claimed", W.c.calling_since.is_not(None),
        W.c.id != item_id).limit(1))).first()
    status = (await tx.conn.execute(select(OP.c.status).where(OP.c.id == oid))).scalar()
    if other is None and status == "on_phone":
        await change_status(tx, oid, "online")


async def done(tx: Tx, item_id: int, actor: Actor, note: str) -> Json:
    found = await item(tx.conn, item_id)
    _refuse_taken(found, actor, "mark done")
    now = time.time()
    claimer = found["claimed_by"] or actor.id
    if found["calling_since"] is not None:
        await _off_phone(tx, claimer, item_id)
    return await _changed(tx, item_id, state="done", claimed_by=claimer, claimed_at=found["claimed_at"] or now,
                          calling_since=None, done_at=now, done_note=note.strip())


async def release(tx: Tx, item_id: int, actor: Actor) -> Json:
    """Back to the open list for someone else (its claimer, or staff)."""
    found = await item(tx.conn, item_id)
    if found["state"] != "claimed":
        raise conflict("not_claimed", "Only a claimed request can be released.")
    _refuse_taken(found, actor, "release")
    if found["calling_since"] is not None:
        await _off_phone(tx, found["claimed_by"], item_id)
    return await _changed(tx, item_id, state="open", claimed_by=None, claimed_at=None, calling_since=None)


async def board_figures(conn: AnyConn, now: float) -> Json:
    """The board's work-item figures: open (not done) and overdue counts, the overdue ones listed."""
    pending = W.c.state.in_(PENDING)
    late = (pending, W.c.due_at < now)
    open_n = (await conn.execute(select(func.count()).select_from(W).where(pending))).scalar_one()
    overdue_n = (await conn.execute(select(func.count()).select_from(W).where(*late))).scalar_one()
    rows = (await conn.execute(_select().where(*late).order_by(W.c.due_at, W.c.id).limit(OVERDUE_LIST))).all()
    return {"requests_open": open_n, "requests_overdue": overdue_n,
            "overdue_requests": [item_dict(r, now) for r in rows]}
