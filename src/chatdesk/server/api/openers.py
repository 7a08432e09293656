"""Opener rules (supervisors, trainers and admins): list, create, edit or pause, priority order,
and their figures with the control group's comparison."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query

from chatdesk.protocol.limits import MAX_ID, MAX_TIMESTAMP
from chatdesk.protocol.openers import OpenerRule, RuleCreate, RuleList, RuleOrder, RulePatch, RuleStats, RuleStatsList

from ..deps import Ctx, staff_only
from ..services import opener_rules, opener_stats
from ..services.reports import period

router = APIRouter(prefix="/openers", tags=["openers"],
                   dependencies=[Depends(staff_only("manage openers or see their figures"))])
ID = Path(ge=1, le=MAX_ID)


@router.get("/rules", response_model=RuleList)
async def list_rules(ctx: Ctx):
    async with ctx.store.read() as conn:
        return {"rules": await opener_rules.listed(conn)}


@router.post("/rules", response_model=OpenerRule, status_code=201)
async def create_rule(body: RuleCreate, ctx: Ctx):
    async with ctx.store.tx() as tx:
        return await opener_rules.create(tx, body.model_dump(), ctx.clock())


@router.patch("/rules/{rule_id}", response_model=OpenerRule)
async def edit_rule(body: RulePatch, ctx: Ctx, rule_id: int = ID):
    async with ctx.store.tx() as tx:
        return await opener_rules.edit(tx, rule_id, body.model_dump(exclude_unset=True), ctx.clock())


@router.put("/order", response_model=RuleList)
async def order_rules(body: RuleOrder, ctx: Ctx):
    async with ctx.store.tx() as tx:
        return {"rules": await opener_rules.reorder(tx, body.ids, ctx.clock())}


@router.get("/stats", response_model=RuleStatsList)
async def all_stats(ctx: Ctx, since: float | None = Query(None, ge=0, le=MAX_TIMESTAMP),
                    until: float | None = Query(None, ge=0, le=MAX_TIMESTAMP)):
    start, end = period(since, until)
    async with ctx.store.read_offloaded() as conn:
        rules = await opener_rules.listed(conn)
        return {"rules": [await opener_stats.rule_stats(conn, r, start, end, ctx.config.attribution_window)
                          for r in rules]}


@router.get("/rules/{rule_id}/stats", response_model=RuleStats)
async def rule_stats(ctx: Ctx, rule_id: int = ID, since: float | None = Query(None, ge=0, le=MAX_TIMESTAMP),
                    until: float | None = Query(None, ge=0, le=MAX_TIMESTAMP)):
    start, end = period(since, until)
    async with ctx.store.read_offloaded() as conn:
        rule = await opener_rules.one(conn, rule_id)
        return await opener_stats.rule_stats(conn, rule, start, end, ctx.config.attribution_window)
