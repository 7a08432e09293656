"""A signed transcript link opened in a browser (server/outbox/transcript_links.py): no login, the
signature is the permission. The transcript as Markdown shown as plain text: the browser renders
nothing of it, runs nothing, sends no Referer on, and keeps no copy."""
from __future__ import annotations

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from chatdesk.protocol.limits import MAX_ID, MAX_TIMESTAMP

from ..deps import Ctx
from ..outbox.transcript_links import check, link_key
from ..services import transcript_export, transcripts
from ..services.errors import not_found
from ..storage import rows

router = APIRouter(tags=["transcripts and reports"])
PRIVATE = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer",
           "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'"}


@router.get("/transcript-links/{cid}", response_class=Response,
            responses={200: {"content": {"text/plain": {}}, "description": "the transcript as Markdown"}})
async def open_link(ctx: Ctx, cid: int = Path(ge=1, le=MAX_ID), expires: int = Query(ge=0, le=MAX_TIMESTAMP),
                    sig: str = Query(pattern=r"^[0-9a-fA-F]{64}$")):
    async with ctx.store.read_offloaded() as conn:
        check(await link_key(conn), cid, expires, sig, ctx.clock())
        conv = await rows.conversation(conn, cid)
        if conv is None:
            raise not_found(f"conversation {cid}")
        detail = await transcripts.detail(conn, conv)
    return Response(transcript_export.to_markdown(detail), media_type="text/plain; charset=utf-8",
                    headers={**PRIVATE, "Content-Disposition": f'inline; filename="conversation-{cid}.md"'})
