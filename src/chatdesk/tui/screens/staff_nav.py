"""The desk's doors to the supervisor and trainer screens (board, approvals, transcripts,
report). Mixed into DeskScreen. An operator pressing a staff key is told why it does nothing."""
from __future__ import annotations

from typing import Any

STAFF_ROLES = ("supervisor", "trainer", "admin")


class StaffNavigation:
    session: Any

    def _staff_only(self, what: str) -> bool:
        me = self.session.store.me
        if me is not None and me.role in STAFF_ROLES:
            return True
        role = me.role if me is not None else "not signed in yet"
        self.notify(f"{what} is for supervisors, trainers and admins; you are signed in as {role}.",
                    title="Not for operators", severity="warning", markup=False)
        return False

    def _settings(self) -> Any:
        from chatdesk.tui.settings import DeskSettings
        return getattr(self.app, "settings", None) or DeskSettings()

    def _open_once(self, screen_type: type, make: Any) -> None:
        """Push the screen unless it is already up (then go back to it)."""
        for screen in self.app.screen_stack:
            if isinstance(screen, screen_type):
                while self.app.screen is not screen:
                    self.app.pop_screen()
                return
        self.app.push_screen(make())

    def action_board(self) -> None:
        if self._staff_only("The board"):
            from chatdesk.tui.screens.board import BoardScreen
            s = self._settings()
            self._open_once(BoardScreen, lambda: BoardScreen(self.session, self.clock, sla_warn=s.sla_warn,
                                                             sla_late=s.sla_late))

    def action_approvals(self) -> None:
        if self._staff_only("The approval queue"):
            from chatdesk.tui.screens.approvals import ApprovalQueueScreen
            self._open_once(ApprovalQueueScreen, lambda: ApprovalQueueScreen(self.session, self.clock))

    def action_transcripts(self) -> None:
        from chatdesk.tui.screens.review import TranscriptReviewScreen  # operators: their own
        self._open_once(TranscriptReviewScreen, lambda: TranscriptReviewScreen(self.session, self.clock))

    def action_report(self) -> None:
        if self._staff_only("The report"):
            from chatdesk.tui.screens.report import ReportScreen
            self._open_once(ReportScreen, lambda: ReportScreen(self.session, self.clock))
