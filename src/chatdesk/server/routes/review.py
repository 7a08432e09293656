"""After the chat: transcript search and review (coaching notes the operator can read), export,
the visitor's rating, and the staffing report."""
from __future__ import annotations

import time
from typing import Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from chatdesk.protocol import events as ev
from chatdesk.protocol.models import Conversation
from chatdesk.protocol.requests import RatingRequest, ReviewRequest
from chatdesk.protocol.staff import ReportSummary, Review, TranscriptDetail

from .. import queries, reports, transcripts
from ..auth import Actor, current_operator, current_visitor, require_staff
from ..conversations import emit_conversation
from ..errors import ApiError, conflict, forbidden, not_found
from ..state import ctx_of
from ..stats import today_start

router = APIRouter()
ID = Path(ge=1, le=2 ** 62)
TS = dict(ge=0, le=1e11)


@router.get("/transcripts")
async def search(request: Request, actor: Actor = Depends(current_operator),
                 q: str | None = Query(None, max_length=500), operator_id: int | None = Query(None, ge=1, le=2 ** 62),
                 tag: str | None = Query(None, max_length=40), since: float | None = Query(None, **TS),
                 until: float | None = Query(None, **TS), rating: int | None = Query(None, ge=1, le=5),
                 mark: Literal["best", "worst"] | None = Query(None)):
    if not actor.is_staff:
        if operator_id is not None and operator_id != actor.id:
            raise forbidden("You can search only your own transcripts.")
        operator_id = actor.id
    async with ctx_of(request).store.read_offloaded() as conn:
        return {"transcripts": await transcripts.search(conn, q=q, operator_id=operator_id, tag=tag, since=since,
                                                         until=until, rating=rating, mark=mark)}


@router.get("/transcripts/{cid}", response_model=TranscriptDetail)
async def transcript(request: Request, cid: int = ID, actor: Actor = Depends(current_operator)):
    async with ctx_of(request).store.read_offloaded() as conn:
        return await transcripts.detail(conn, await transcripts.readable_transcript(conn, cid, actor))


@router.get("/transcripts/{cid}/export")
async def export(request: Request, cid: int = ID, actor: Actor = Depends(current_operator),
                 format: Literal["md", "json"] = Query("md")):
    async with ctx_of(request).store.read_offloaded() as conn:
        d = await transcripts.detail(conn, await transcripts.readable_transcript(conn, cid, actor))
    name = f"conversation-{cid}.{format}"
    if format == "json":
        return Response(transcripts.to_json(d), media_type="application/json",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return Response(transcripts.to_markdown(d), media_type="text/markdown; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/transcripts/{cid}/review", response_model=Review, status_code=201)
async def review(body: ReviewRequest, request: Request, cid: int = ID, actor: Actor = Depends(current_operator)):
    require_staff(actor, "review a transcript")
    if body.mark is None and not body.note.strip():
        raise ApiError(422, "invalid", "Give a mark (best or worst) or a note.")
    async with ctx_of(request).store.tx() as tx:
        await transcripts.readable_transcript(tx.conn, cid, actor)
        return await transcripts.add_review(tx.conn, cid, actor, body.mark, body.note)


@router.post("/visitor/conversations/{cid}/rating", response_model=Conversation)
async def rate(body: RatingRequest, request: Request, cid: int = ID, vid: str = Depends(current_visitor)):
    async with ctx_of(request).store.tx() as tx:
        conv = await queries.conversation(tx.conn, cid)
        if conv is None or conv["visitor_id"] != vid:
            raise not_found(f"conversation {cid} for this visitor")
        if conv["state"] not in ("active", "closed"):
            raise conflict("not_rateable", "Only a chat an operator answered can be rated.")
        await transcripts.rate(tx.conn, cid, body.rating, body.comment)
        row = await emit_conversation(tx, ev.CONVERSATION_UPDATED, cid)
        conv = row.data["conversation"]
    return {k: v for k, v in conv.items() if k not in ("tags", "summary", "follow_up", "auto_assigned", "department")}


@router.get("/reports/summary", response_model=ReportSummary)
async def summary(request: Request, actor: Actor = Depends(current_operator),
                  since: float | None = Query(None, **TS), until: float | None = Query(None, **TS)):
    require_staff(actor, "see reports")
    until = until if until is not None else time.time()
    since = since if since is not None else today_start(until)
    if since >= until:
        raise ApiError(422, "invalid", "'since' must be before 'until'.")
    async with ctx_of(request).store.read_offloaded() as conn:
        return await reports.summary(conn, since, until)
