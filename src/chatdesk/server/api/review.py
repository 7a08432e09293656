"""After the chat: transcript search and review (coaching notes the operator can read), export,
and the staffing report."""
from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from chatdesk.protocol.limits import MAX_ID, MAX_TIMESTAMP
from chatdesk.protocol.requests import ReviewRequest
from chatdesk.protocol.staff import ReportSummary, Review, TranscriptDetail

from ..deps import Ctx, CurrentOperator, staff_only
from ..services import reports, transcript_export, transcripts
from .answers import TranscriptList

router = APIRouter(tags=["transcripts and reports"])
ID = Path(ge=1, le=MAX_ID)
TS: dict[str, Any] = dict(ge=0, le=MAX_TIMESTAMP)


@router.get("/transcripts", response_model=TranscriptList)
async def search(ctx: Ctx, actor: CurrentOperator,
                 q: str | None = Query(None, max_length=500), operator_id: int | None = Query(None, ge=1, le=MAX_ID),
                 tag: str | None = Query(None, max_length=40), since: float | None = Query(None, **TS),
                 until: float | None = Query(None, **TS), rating: int | None = Query(None, ge=1, le=5),
                 mark: Literal["best", "worst"] | None = Query(None)):
    operator_id = transcripts.searchable_operator(actor, operator_id)
    async with ctx.store.read_offloaded() as conn:
        return {"transcripts": await transcripts.search(conn, q=q, operator_id=operator_id, tag=tag, since=since,
                                                         until=until, rating=rating, mark=mark)}


@router.get("/transcripts/{cid}", response_model=TranscriptDetail)
async def transcript(ctx: Ctx, actor: CurrentOperator, cid: int = ID):
    async with ctx.store.read_offloaded() as conn:
        return await transcripts.detail(conn, await transcripts.readable_transcript(conn, cid, actor))


@router.get("/transcripts/{cid}/export", response_class=Response,
            responses={200: {"content": {"text/markdown": {}, "application/json": {}},
                             "description": "the transcript as a file"}})
async def export(ctx: Ctx, actor: CurrentOperator, cid: int = ID, format: Literal["md", "json"] = Query("md")):
    async with ctx.store.read_offloaded() as conn:
        d = await transcripts.detail(conn, await transcripts.readable_transcript(conn, cid, actor))
    name = f"conversation-{cid}.{format}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if format == "json":
        return Response(transcript_export.to_json(d), media_type="application/json", headers=headers)
    return Response(transcript_export.to_markdown(d), media_type="text/markdown; charset=utf-8", headers=headers)


@router.post("/transcripts/{cid}/review", response_model=Review, status_code=201,
             dependencies=[Depends(staff_only("review a transcript"))])
async def review(body: ReviewRequest, ctx: Ctx, actor: CurrentOperator, cid: int = ID):
    async with ctx.store.tx() as tx:
        return await transcripts.add_review(tx.conn, cid, actor, body.mark, body.note)


@router.get("/reports/summary", response_model=ReportSummary, dependencies=[Depends(staff_only("see reports"))])
async def summary(ctx: Ctx, since: float | None = Query(None, **TS), until: float | None = Query(None, **TS)):
    since, until = reports.period(since, until)
    async with ctx.store.read_offloaded() as conn:
        return await reports.summary(conn, since, until)
