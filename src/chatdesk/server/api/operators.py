"""Login/logout, the caller's own account and status, the operator list, caps, departments."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Request

from chatdesk.protocol.limits import MAX_ID
from chatdesk.protocol.models import Operator
from chatdesk.protocol.requests import LoginRequest, LoginResponse, OperatorPatchRequest, StatusRequest

from ..deps import Ctx, CurrentOperator, bearer, current_operator, staff_only
from ..services import accounts
from ..storage import rows
from .answers import DepartmentList, Ok, OperatorList

router = APIRouter(tags=["operators"])
ID = Path(ge=1, le=MAX_ID)


@router.post("/auth/login", response_model=LoginResponse)
async def login(body: LoginRequest, request: Request, ctx: Ctx):
    address = request.client.host if request.client else "?"
    return await accounts.login(ctx, body.email, body.password, address)


@router.post("/auth/logout", response_model=Ok)
async def logout(request: Request, ctx: Ctx, actor: CurrentOperator):
    await accounts.logout(ctx, actor, bearer(request) or "")
    return {"ok": True}


@router.get("/me", response_model=Operator)
async def me(ctx: Ctx, actor: CurrentOperator):
    async with ctx.store.read() as conn:
        return await rows.operator(conn, actor.id)


@router.put("/me/status", response_model=Operator)
async def put_status(body: StatusRequest, ctx: Ctx, actor: CurrentOperator):
    return await accounts.set_status(ctx, actor.id, body.status)


@router.get("/operators", response_model=OperatorList, dependencies=[Depends(current_operator)])
async def list_operators(ctx: Ctx):
    async with ctx.store.read() as conn:
        return {"operators": await rows.all_operators(conn)}


@router.patch("/operators/{operator_id}", response_model=Operator,
              dependencies=[Depends(staff_only("change an operator's limits"))])
async def patch_operator(body: OperatorPatchRequest, ctx: Ctx, operator_id: int = ID):
    async with ctx.store.tx() as tx:
        return await accounts.change_limits(tx, operator_id, body.model_dump(exclude_none=True))


@router.get("/departments", response_model=DepartmentList, dependencies=[Depends(current_operator)])
async def departments(ctx: Ctx):
    async with ctx.store.read() as conn:
        return {"departments": await accounts.departments(conn)}
