"""Openers: the server decides on each page view and heartbeat whether a rule invites the visitor
now, records the decision (the rule's control group too: qualified, never shown), sends the
invite, and turns the visitor's reply into a chat. An operator may invite a browsing visitor by
hand; the reply's chat is then theirs.

The rules of the decision, in order: nobody already chatting; at most one opener per visit (a
control decision, a dismissal and a manual invite count too); the first enabled rule by priority
whose conditions hold; and never when nobody could answer (outside the opening hours of the rule's
department, or of the shop when it names none; no online operator under their cap, in the rule's
department when it names one): then the visit does not even qualify, so the treatment and control
groups are decided under the same conditions."""
from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update

from chatdesk.protocol import events as ev

from ..context import ServerContext
from ..eventlog.audience import ToVisitor
from ..eventlog.log import Tx
from ..security.tokens import Actor
from ..storage import rows
from ..storage.db import AnyConn
from ..storage.schema import canned_replies as CR
from ..storage.schema import conversations as C
from ..storage.schema import invitations as I
from ..storage.schema import opener_rules as R
from ..storage.schema import visitor_browsing as B
from ..storage.schema import visitors as V
from . import browsing, routing
from .conversations import add_message, emit_conversation
from .errors import Conflict, Invalid, conflict, not_found
from .opener_match import Facts, in_control, matches, render
from .opening_hours import opening
from .visit_now import visit_now

PENDING = ("sent", "shown")


def invite_dict(inv: Any, operator_name: str = "") -> dict[str, Any]:
    return {"id": inv.id, "body": inv.body, "operator_name": operator_name, "manual": inv.grp == "manual"}


def invitation_dict(inv: Any) -> dict[str, Any]:
    return {"id": inv.id, "visitor_id": inv.visitor_id, "rule_id": inv.rule_id, "operator_id": inv.operator_id,
            "group": inv.grp, "state": inv.state, "body": inv.body if inv.grp != "control" else "",
            "created_at": inv.created_at, "conversation_id": inv.conversation_id}


async def _visit(conn: AnyConn, vid: str):
    return (await conn.execute(select(V, B).select_from(V.outerjoin(B, B.c.visitor_id == V.c.id))
                               .where(V.c.id == vid))).first()


async def _this_visit(conn: AnyConn, vid: str, visit_no: int):
    return (await conn.execute(select(I).where(I.c.visitor_id == vid, I.c.visit_no == visit_no)
                               .order_by(I.c.id.desc()).limit(1))).first()


def _facts(v: Any, now: float) -> Facts:
    started = v.page_started_at if v.page_started_at is not None else v.last_seen
    return Facts(url=v.current_url, page_seconds=max(0.0, now - started), visit_count=v.visit_count,
                 referrer=v.referrer, utm_source=v.utm_source or "", utm_campaign=v.utm_campaign or "",
                 cart_value=v.cart_value)


def open_now(ctx: ServerContext, department: str | None) -> bool:
    """Within the opening hours (a reply outside them would be refused: services/availability.py)."""
    return opening(ctx.config.flows.hours, department, ctx.now()).open


async def someone_free(conn: AnyConn, department: str | None) -> bool:
    free = await routing.available_operators(conn)
    return any(department is None or department in r.departments for r, _n in free)


def _variables(v: Any) -> dict[str, str]:
    return {"visitor.name": v.name or "there", "page.title": v.current_title or "this page",
            "cart.value": f"{v.cart_value:.2f}" if v.cart_value is not None else "",
            "cart.currency": v.cart_currency or ""}


async def decide(ctx: ServerContext, vid: str, language: str | None = None
                 ) -> tuple[dict[str, Any] | None, float | None]:
    """On a page view or heartbeat: (the invite the visitor should show, if any; seconds until a
    rule may match, if one waits only for time on the page). `language`, when the widget reports
    it, is stored if it differs from the one known.

    The cost rule (a crowd beats every 10 s): one read when no rule fires (services/visit_now.py;
    the rules come from memory, services/opener_rule_cache.py), no write unless the language
    changed; a holding rule adds the free-operator check, and a decision its write."""
    now = ctx.clock()
    async with ctx.store.read() as conn:
        v = await visit_now(conn, vid)
        if v is None:
            return None, None
        invite, wait, rule = await _verdict(ctx, conn, v, now)
    if language and language != (v.language or ""):
        async with ctx.store.tx() as tx:
            await browsing.set_fields(ctx, tx, vid, language=language)
    if rule is None:
        return invite, wait
    return await _qualify(ctx, vid, rule, now), None


async def _verdict(ctx: ServerContext, conn: AnyConn, v: Any, now: float
                   ) -> tuple[dict[str, Any] | None, float | None, dict[str, Any] | None]:
    """(the pending invite to show again, the wait for a rule, the rule that qualifies the visit)."""
    if v.open_conversation_id is not None:
        return None, None, None
    if v.invite_id is not None:
        pending = invite_dict_of(v) if v.invite_state in PENDING else None
        return pending, None, None
    facts, wait = _facts(v, now), None
    for rule in await ctx.opener_rules.enabled(conn):
        holds, later = matches(rule["conditions"], facts)
        if holds and open_now(ctx, rule["department"]) and await someone_free(conn, rule["department"]):
            return None, None, rule
        if later is not None:
            wait = later if wait is None else min(wait, later)
    return None, wait, None


def invite_dict_of(v: Any) -> dict[str, Any]:
    """invite_dict from a visit_now row's invite_* columns."""
    return {"id": v.invite_id, "body": v.invite_body, "operator_name": v.invite_operator_name or "",
            "manual": v.invite_group == "manual"}


async def _qualify(ctx: ServerContext, vid: str, rule: dict[str, Any], now: float) -> dict[str, Any] | None:
    control = in_control(rule["id"], vid, rule["control_percent"])
    async with ctx.store.tx() as tx:
        v = await _visit(tx.conn, vid)
        if v is None or await _this_visit(tx.conn, vid, v.visit_count) is not None \
                or await rows.open_conversation_id(tx.conn, vid) is not None:
            return None                      # a parallel beat decided first
        body = render(rule["texts"], rule["default_language"], v.language or "", _variables(v))
        res = await tx.conn.execute(insert(I).values(
            visitor_id=vid, visit_no=v.visit_count, rule_id=rule["id"], grp="control" if control else "treatment",
            state="control" if control else "sent", body=body, created_at=now))
        inv = (await tx.conn.execute(select(I).where(I.c.id == res.inserted_primary_key[0]))).one()
    if control:
        return None
    return _deliver(ctx, vid, invite_dict(inv))


def _deliver(ctx: ServerContext, vid: str, invite: dict[str, Any]) -> dict[str, Any]:
    ctx.hub.send({"type": ev.INVITE, "invite": invite}, to=ToVisitor(vid))
    browsing.touched(ctx, vid)
    return invite


async def _own(conn: AnyConn, vid: str, invite_id: int):
    inv = (await conn.execute(select(I).where(I.c.id == invite_id))).first()
    if inv is None or inv.visitor_id != vid or inv.grp == "control":
        raise not_found(f"invitation {invite_id} for this visitor")
    return inv


async def report(ctx: ServerContext, vid: str, invite_id: int, action: str) -> None:
    """The widget showed the invite, or the visitor closed it."""
    now = ctx.clock()
    async with ctx.store.tx() as tx:
        inv = await _own(tx.conn, vid, invite_id)
        if action == "shown" and inv.state == "sent":
            await tx.conn.execute(update(I).where(I.c.id == inv.id).values(state="shown", shown_at=now))
        elif action == "dismissed" and inv.state in PENDING:
            await tx.conn.execute(update(I).where(I.c.id == inv.id).values(
                state="dismissed", shown_at=inv.shown_at or now, resolved_at=now))
        elif action == "dismissed" and inv.state == "accepted":
            raise conflict("invite_accepted", "This invitation already became a chat.")
    browsing.touched(ctx, vid)


async def reply(ctx: ServerContext, vid: str, invite_id: int, *, client_msg_id: str, body: str,
                name: str | None, address: str) -> dict[str, Any]:
    """The visitor answered the opener: a chat that starts with the opener and their reply, in
    the rule's department; a manual invite's chat goes straight to the inviting operator (to the
    queue if they can take no more now)."""
    now = ctx.clock()
    async with ctx.store.tx() as tx:
        inv = await _own(tx.conn, vid, invite_id)
        if inv.state == "accepted" and inv.conversation_id is not None:
            conv = await rows.known_conversation(tx.conn, inv.conversation_id)
            msgs = [m for m in await rows.messages(tx.conn, conv["id"], True) if m["client_msg_id"] == client_msg_id]
            if msgs:
                return {"conversation": rows.visitor_view(conv), "message": msgs[0]}   # a retried reply
            raise conflict("invite_accepted", "This invitation already became a chat; write in it instead.")
        if inv.state not in PENDING:
            raise conflict("invite_dismissed", "This invitation was dismissed; start a chat instead.")
        if await rows.open_conversation_id(tx.conn, vid) is not None:
            raise conflict("already_chatting", "You already have a chat open; write in it instead.")
        cid = await _open_chat(ctx, tx, vid, inv, name=name, address=address, now=now)
        op = await rows.operator_row(tx.conn, inv.operator_id) if inv.operator_id is not None else None
        await add_message(tx, cid, author_type="operator" if op else "system", author_key=f"o:{op.id}" if op else "system",
                          author_id=op.id if op else None, author_name=op.name if op else "", body=inv.body)
        visitor = rows.must_exist(await rows.visitor_row(tx.conn, vid), f"visitor {vid}")
        msg, _ = await add_message(tx, cid, author_type="visitor", author_key=f"v:{vid}", body=body,
                                   author_name=visitor.name or "Visitor", client_msg_id=client_msg_id)
        await tx.conn.execute(update(I).where(I.c.id == inv.id).values(
            state="accepted", shown_at=inv.shown_at or now, resolved_at=now, conversation_id=cid))
        if op is not None:
            try:
                await routing.accept(tx, cid, Actor(op.id, op.name, op.role))
            except Conflict:
                pass                      # away or at their cap now: the chat waits in the queue
        conv = await rows.known_conversation(tx.conn, cid)
    browsing.touched(ctx, vid)
    return {"conversation": rows.visitor_view(conv), "message": msg}


async def _open_chat(ctx: ServerContext, tx: Tx, vid: str, inv: Any, *, name: str | None, address: str,
                     now: float) -> int:
    if name:
        await tx.conn.execute(update(V).where(V.c.id == vid).values(name=name))
    await tx.conn.execute(update(V).where(V.c.id == vid).values(last_seen=now))
    department = None
    if inv.rule_id is not None:
        department = (await tx.conn.execute(select(R.c.department).where(R.c.id == inv.rule_id))).scalar()
    gate = ctx.chats.gate(address, vid)
    await gate.admit(tx.conn)
    cid: int = (await tx.conn.execute(insert(C).values(
        visitor_id=vid, state="queued", department=department, queued_at=now,
        **gate.columns()))).inserted_primary_key[0]
    await emit_conversation(tx, ev.CONVERSATION_QUEUED, cid, connected=ctx.hub.visitor_connected(vid))
    return cid


# --- manual invites ---------------------------------------------------------------------------

async def _canned_body(conn: AnyConn, actor: Actor, canned_id: int, v: Any) -> str:
    r = (await conn.execute(select(CR).where(CR.c.id == canned_id))).first()
    if r is None or (r.owner_id is not None and r.owner_id != actor.id):
        raise not_found(f"canned reply {canned_id}")
    return render({"any": r.body}, "any", "", {**_variables(v), "operator.name": actor.name})


async def invite_by_hand(ctx: ServerContext, actor: Actor, vid: str, *, body: str | None,
                         canned_id: int | None) -> dict[str, Any]:
    if (body is None) == (canned_id is None):
        raise Invalid("Give either the invitation's text (body) or a canned reply (canned_id).")
    if vid not in browsing.online_ids(ctx):
        raise conflict("not_on_site", "This visitor is not on the site now.")
    now = ctx.clock()
    async with ctx.store.tx() as tx:
        v = await _visit(tx.conn, vid)
        if v is None:
            raise not_found(f"visitor {vid}")
        if await rows.open_conversation_id(tx.conn, vid) is not None:
            raise conflict("already_chatting", "This visitor is already in a chat.")
        earlier = await _this_visit(tx.conn, vid, v.visit_count)
        if earlier is not None and earlier.state in PENDING:
            raise conflict("already_invited", "This visitor has an invitation open already.")
        await routing.check_can_take(tx, await rows.operator_row(tx.conn, actor.id), yourself=True)
        text = body if body is not None else await _canned_body(tx.conn, actor, canned_id or 0, v)
        res = await tx.conn.execute(insert(I).values(
            visitor_id=vid, visit_no=v.visit_count, operator_id=actor.id, grp="manual", state="sent",
            body=text, created_at=now))
        inv = (await tx.conn.execute(select(I).where(I.c.id == res.inserted_primary_key[0]))).one()
    _deliver(ctx, vid, invite_dict(inv, actor.name))
    return invitation_dict(inv)
