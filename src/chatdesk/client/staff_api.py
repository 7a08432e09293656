"""StaffApi: the REST calls for supervisors and trainers, as `api.staff`: board, monitor, join,
take over, reassign, operator limits, approvals, transcripts, reports. It sends through the
ApiClient's Transport. Refusals raise ApiError with the server's sentence (403 for an operator,
409 for a state conflict)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chatdesk.protocol.models import Approval, Conversation, Operator

from .http import Transport, build_body

if TYPE_CHECKING:
    from chatdesk.protocol.staff import Board, ReportSummary, Review, StaffPresence, TranscriptDetail, TranscriptSummary

# The staff's models and request bodies are imported by the calls that use them (start-up).


class StaffApi:
    def __init__(self, http: Transport) -> None:
        self.http = http

    # --- live floor ----------------------------------------------------------------------------
    async def board(self, since: float | None = None) -> Board:
        params = {"since": since} if since is not None else None
        from chatdesk.protocol.staff import Board
        return self.http.parse(Board, await self.http.request("GET", "/board", params=params))

    async def watch(self, conversation_id: int) -> StaffPresence:
        from chatdesk.protocol.staff import StaffPresence
        return self.http.parse(StaffPresence, await self.http.request("POST", f"/conversations/{conversation_id}/watch"))

    async def unwatch(self, conversation_id: int) -> StaffPresence:
        from chatdesk.protocol.staff import StaffPresence
        return self.http.parse(StaffPresence, await self.http.request("POST", f"/conversations/{conversation_id}/unwatch"))

    async def join(self, conversation_id: int) -> StaffPresence:
        from chatdesk.protocol.staff import StaffPresence
        return self.http.parse(StaffPresence, await self.http.request("POST", f"/conversations/{conversation_id}/join"))

    async def take_over(self, conversation_id: int) -> Conversation:
        return self.http.parse(Conversation, await self.http.request("POST", f"/conversations/{conversation_id}/takeover"))

    async def reassign(self, conversation_id: int, operator_id: int, note: str = "") -> Conversation:
        from chatdesk.protocol.requests import ReassignRequest
        body = build_body(ReassignRequest, operator_id=operator_id, note=note)
        return self.http.parse(Conversation, await self.http.request("POST", f"/conversations/{conversation_id}/reassign", body))

    async def set_operator_limits(self, operator_id: int, *, max_chats: int | None = None,
                                  novice: bool | None = None, approval_required: bool | None = None) -> Operator:
        """PATCH /operators/{id}: only the fields given change."""
        return await self.patch_operator(operator_id, max_chats=max_chats, novice=novice,
                                         approval_required=approval_required)

    async def patch_operator(self, operator_id: int, **fields: Any) -> Operator:
        from chatdesk.protocol.requests import OperatorPatchRequest
        body = build_body(OperatorPatchRequest, **fields)
        return self.http.parse(Operator, await self.http.request("PATCH", f"/operators/{operator_id}", body))

    # --- approvals -----------------------------------------------------------------------------
    async def approvals(self, state: str = "pending", conversation_id: int | None = None) -> list[Approval]:
        params: dict[str, Any] = {"state": state}
        if conversation_id is not None:
            params["conversation_id"] = conversation_id
        return self.http.parse_list(Approval, await self.http.request("GET", "/approvals", params=params), "approvals")

    async def resolve_approval(self, approval_id: int, action: str, body: str | None = None,
                               note: str = "") -> Approval:
        from chatdesk.protocol.requests import ApprovalAction
        req = build_body(ApprovalAction, action=action, body=body, note=note)
        return self.http.parse(Approval, await self.http.request("POST", f"/approvals/{approval_id}", req))

    async def approve(self, approval_id: int, body: str | None = None, note: str = "") -> Approval:
        """Send the held message to the visitor; `body` replaces its text (the trainer's edit)."""
        return await self.resolve_approval(approval_id, "approve", body, note)

    async def reject(self, approval_id: int, note: str = "") -> Approval:
        return await self.resolve_approval(approval_id, "reject", None, note)

    # --- transcripts and reports ---------------------------------------------------------------
    async def transcripts(self, q: str | None = None, *, operator_id: int | None = None, tag: str | None = None,
                          since: float | None = None, until: float | None = None, rating: int | None = None,
                          mark: str | None = None) -> list[TranscriptSummary]:
        params = {k: v for k, v in dict(q=q, operator_id=operator_id, tag=tag, since=since, until=until,
                                        rating=rating, mark=mark).items() if v not in (None, "")}
        from chatdesk.protocol.staff import TranscriptSummary
        return self.http.parse_list(TranscriptSummary, await self.http.request("GET", "/transcripts", params=params),
                                "transcripts")

    async def transcript(self, conversation_id: int) -> TranscriptDetail:
        from chatdesk.protocol.staff import TranscriptDetail
        return self.http.parse(TranscriptDetail, await self.http.request("GET", f"/transcripts/{conversation_id}"))

    async def review_transcript(self, conversation_id: int, mark: str | None = None, note: str = "") -> Review:
        from chatdesk.protocol.requests import ReviewRequest
        req = build_body(ReviewRequest, mark=mark, note=note)
        from chatdesk.protocol.staff import Review
        return self.http.parse(Review, await self.http.request("POST", f"/transcripts/{conversation_id}/review", req))

    async def export_transcript(self, conversation_id: int, format: str = "md") -> str:
        """The transcript as Markdown or JSON text (as the server renders it)."""
        return await self.http.request_text("GET", f"/transcripts/{conversation_id}/export", params={"format": format})

    async def report_summary(self, since: float | None = None, until: float | None = None) -> ReportSummary:
        params = {k: v for k, v in dict(since=since, until=until).items() if v is not None}
        from chatdesk.protocol.staff import ReportSummary
        return self.http.parse(ReportSummary, await self.http.request("GET", "/reports/summary", params=params))
