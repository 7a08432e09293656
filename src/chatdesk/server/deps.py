"""Request dependencies: the shared context, and the operator or visitor a bearer token belongs to.
Routes declare what they need (`actor: CurrentOperator`, `dependencies=[Depends(staff)]`), so an
authorisation check can never be forgotten in a route's body."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from .context import ServerContext
from .security.limits import Limits
from .security.tokens import Actor, actor_for_token
from .services.errors import Forbidden, Unauthorized


def ctx_of(request: Request) -> ServerContext:
    ctx: ServerContext = request.app.state.ctx
    return ctx


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


async def current_operator(request: Request) -> Actor:
    actor = await actor_for_token(ctx_of(request).db, bearer(request))
    if actor is None:
        raise Unauthorized("Log in first: this needs a valid operator token.")
    return actor


async def current_visitor(request: Request) -> str:
    ctx = ctx_of(request)
    visitor_id = await ctx.visitor_tokens.visitor_for(ctx.db, bearer(request))
    if visitor_id is None:
        raise Unauthorized("Start a visitor session first: this needs a valid visitor token.")
    limits: Limits = request.app.state.limits
    await limits.visitor.enforce(visitor_id)      # 429 over --visitor-rate (security/limits.py)
    return visitor_id


def staff_only(doing: str):
    """A dependency that lets only supervisors, trainers and admins through (403 with a sentence
    naming what they tried)."""
    async def check(actor: Annotated[Actor, Depends(current_operator)]) -> Actor:
        if not actor.is_staff:
            raise Forbidden(f"Only a supervisor, trainer or admin can {doing}.")
        return actor
    return check


Ctx = Annotated[ServerContext, Depends(ctx_of)]
CurrentOperator = Annotated[Actor, Depends(current_operator)]
CurrentVisitor = Annotated[str, Depends(current_visitor)]


def require_staff(actor: Actor, doing: str) -> None:
    if not actor.is_staff:
        raise Forbidden(f"Only a supervisor, trainer or admin can {doing}.")
