"""Login/logout, the caller's own account and status, the operator list, caps, departments."""
from __future__ import annotations

import asyncio
import json
import time

from fastapi import APIRouter, Depends, Path, Request
from sqlalchemy import insert, select, update

from chatdesk.protocol import events as ev
from chatdesk.protocol.models import Operator
from chatdesk.protocol.requests import LoginRequest, LoginResponse, OperatorPatchRequest, StatusRequest

from .. import queries, schema
from ..auth import DUMMY_HASH, Actor, bearer, current_operator, new_token, require_staff, token_hash, verify_password
from ..errors import ApiError, conflict, not_found
from ..state import ctx_of

router = APIRouter()
O, T = schema.operators, schema.operator_tokens
ID = Path(ge=1, le=2 ** 62)


async def _emit_operator(tx, type_: str, oid: int) -> dict:
    op = await queries.operator(tx.conn, oid)
    await tx.emit(type_, {"operator": op}, all_operators=True)
    return op


async def set_status(ctx, oid: int, status: str) -> dict:
    async with ctx.store.tx() as tx:
        row = await queries.operator_row(tx.conn, oid)
        if row.status == status:
            return await queries.operator(tx.conn, oid)
        if status == "on_phone":
            await _refuse_phone_while_chatting(tx.conn, oid)
        await tx.conn.execute(update(O).where(O.c.id == oid).values(status=status))
        return await _emit_operator(tx, ev.OPERATOR_STATUS, oid)


async def _refuse_phone_while_chatting(conn, oid: int) -> None:
    """An operator is on chat or on the phone, never both (away only stops routing, so it stays
    allowed). Checked inside the status transaction: no accept can slip in between."""
    held = await queries.active_count(conn, oid)
    if held:
        chats = "1 chat" if held == 1 else f"{held} chats"
        raise conflict("holding_chats",
                       f"You still hold {chats}: transfer or close them before going on the phone.")


@router.post("/auth/login", response_model=LoginResponse)
async def login(body: LoginRequest, request: Request):
    ctx = ctx_of(request)
    email = body.email.strip().lower()
    keys = (f"email:{email}", f"addr:{request.client.host if request.client else '?'}")
    async with ctx.throttle.one_at_a_time(email):
        await ctx.throttle.before_attempt(*keys)
        async with ctx.store.read() as conn:
            row = (await conn.execute(select(O).where(O.c.email == email))).first()
        ok = await asyncio.to_thread(verify_password, body.password, row.password_hash if row else DUMMY_HASH)
        if row is None or not ok:
            ctx.throttle.failed(*keys)
            raise ApiError(401, "bad_credentials", "The e-mail or password is wrong.")
        ctx.throttle.succeeded(*keys)
    token = new_token()
    async with ctx.store.tx() as tx:
        await tx.conn.execute(insert(T).values(token_hash=token_hash(token), operator_id=row.id,
                                               created_at=time.time()))
    # Logging in puts an offline operator online: they came to take chats.
    op = await set_status(ctx, row.id, "online") if row.status == "offline" else None
    if op is None:
        async with ctx.store.read() as conn:
            op = await queries.operator(conn, row.id)
    return {"token": token, "operator": op}


@router.post("/auth/logout")
async def logout(request: Request, actor: Actor = Depends(current_operator)):
    ctx = ctx_of(request)
    hashed = token_hash(bearer(request))
    async with ctx.store.tx() as tx:
        await tx.conn.execute(update(T).where(T.c.token_hash == hashed).values(revoked_at=time.time()))
        remaining = (await tx.conn.execute(select(T.c.token_hash).where(
            T.c.operator_id == actor.id, T.c.revoked_at.is_(None)).limit(1))).first()
    ctx.hub.revoke(hashed)
    if remaining is None:            # last session gone: nobody is there to take chats
        await set_status(ctx, actor.id, "offline")
    return {"ok": True}


@router.get("/me", response_model=Operator)
async def me(request: Request, actor: Actor = Depends(current_operator)):
    async with ctx_of(request).store.read() as conn:
        return await queries.operator(conn, actor.id)


@router.put("/me/status", response_model=Operator)
async def put_status(body: StatusRequest, request: Request, actor: Actor = Depends(current_operator)):
    return await set_status(ctx_of(request), actor.id, body.status)


@router.get("/operators")
async def list_operators(request: Request, _actor: Actor = Depends(current_operator)):
    async with ctx_of(request).store.read() as conn:
        return {"operators": await queries.all_operators(conn)}


@router.patch("/operators/{operator_id}", response_model=Operator)
async def patch_operator(body: OperatorPatchRequest, request: Request, operator_id: int = ID,
                         actor: Actor = Depends(current_operator)):
    require_staff(actor, "change an operator's limits")
    changes = body.model_dump(exclude_none=True)
    async with ctx_of(request).store.tx() as tx:
        if await queries.operator_row(tx.conn, operator_id) is None:
            raise not_found(f"operator {operator_id}")
        if not changes:
            return await queries.operator(tx.conn, operator_id)
        await tx.conn.execute(update(O).where(O.c.id == operator_id).values(**changes))
        return await _emit_operator(tx, ev.OPERATOR_UPDATED, operator_id)


@router.get("/departments")
async def departments(request: Request, _actor: Actor = Depends(current_operator)):
    async with ctx_of(request).store.read() as conn:
        names = set((await conn.execute(select(schema.departments.c.name))).scalars())
        for (deps,) in (await conn.execute(select(O.c.departments))).all():
            names.update(json.loads(deps))
    return {"departments": sorted(names)}
