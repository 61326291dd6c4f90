"""What every page of the staff workspace stands on: `Visit`, one signed-in request (who, what they
sent, `now`), and `StaffPages`, the collaborators every page uses (the store, the policy, the
calendar, the directory, the sessions) with a signed-in page, a form page with its CSRF token, a
form's answers once that token is checked, and the redirect after a form; and the account page.

No AWS here and no clock: the routes turn an API Gateway event into a `Visit`, call one page, and
turn the `WebResponse` back. Who may see what was settled before any page runs (the `requires`
decorator on the route). The pages of each part of the workspace (the work list, a case, the
steps on a case, logging a case, the set-aside mail, the reports, administration) each take a
`StaffPages`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sla_monitor.attachments import AttachmentLinks
from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.directory import Directory
from sla_monitor.store.ports import CaseStore
from sla_monitor.web.forms import FieldError, read_form
from sla_monitor.web.http.messages import WebRequest, WebResponse
from sla_monitor.web.staff.permissions import StaffRole, Viewer
from sla_monitor.web.staff.rendering import render_page, security_headers
from sla_monitor.web.staff.session import CSRF_FIELD, Session, Sessions
from sla_monitor.web.staff.urls import StaffUrls

if TYPE_CHECKING:
    from sla_monitor.council import Council
    from sla_monitor.policy import Policy
    from sla_monitor.work_list_export import ExportFiles, ExportStarter


class FormRefused(Exception):
    """A form without a valid CSRF token for this session: another site's, or a stale one."""


@dataclass(frozen=True)
class Visit:
    """One signed-in request: what the browser sent, who sent it, and the time it is answered."""

    request: WebRequest
    viewer: Viewer
    session: Session
    now: datetime

    @property
    def urls(self) -> StaffUrls:
        return StaffUrls(self.request.base_path)


Deliver = Callable[[str, datetime], bool]


def _nothing_sent(reference: str, now: datetime) -> bool:
    return True


class StaffPages:
    """The collaborators every page of the workspace uses, and what its pages share."""

    def __init__(
        self,
        *,
        council: Council,
        sessions: Sessions,
        store: CaseStore,
        policy: Policy,
        calendar: WorkingDayCalendar,
        directory: Directory,
        deliver: Deliver = _nothing_sent,
        attachment_prefix: str = "attachments/",
        attachment_links: Callable[[], AttachmentLinks] | None = None,
        export_starter: Callable[[], ExportStarter] | None = None,
        export_files: Callable[[], ExportFiles] | None = None,
    ) -> None:
        self.council = council
        self.sessions = sessions
        self.store = store
        self.policy = policy
        self.calendar = calendar
        self.directory = directory
        # Sends at once what a step left owed on a case; False when something stays owed for
        # the scheduled sweep (the step itself is recorded either way).
        self.deliver = deliver
        self.attachment_prefix = attachment_prefix
        self.attachment_links = attachment_links
        # Start the job that prepares a spreadsheet of the work list, and link to its file.
        self.export_starter = export_starter
        self.export_files = export_files

    def casework(self, now: datetime) -> dict[str, Any]:
        """What every staff use case takes besides its own arguments."""
        return {"store": self.store, "policy": self.policy, "calendar": self.calendar, "now": now}

    def form_page(
        self,
        visit: Visit,
        template: str,
        *,
        title: str,
        values: Mapping[str, str] | None = None,
        errors: Sequence[FieldError] = (),
        why: str | None = None,
        **context: Any,
    ) -> WebResponse:
        """A page with a form: its answers kept, its errors summarised and beside their
        fields (400), and a CSRF token of this session. `why` is logged when it was refused."""
        page = self.page(
            visit,
            template,
            status=400 if errors else 200,
            title=title,
            values=values or {},
            errors=[{"text": e.message, "href": f"#{e.field}"} for e in errors],
            field_errors={e.field: {"text": e.message} for e in errors},
            csrf_token=self.sessions.csrf_token(visit.session, now=visit.now),
            **context,
        )
        if not errors:
            return page
        return WebResponse(
            status=page.status,
            body=page.body,
            headers=page.headers,
            log_message=why or "answers need correcting",
            log_fields={"page": template, "fields": [e.field for e in errors]},
        )

    def see_other(
        self, visit: Visit, location: str, log_message: str, **log_fields: Any
    ) -> WebResponse:
        """Where the browser goes after a form was taken (POST, redirect, GET)."""
        return WebResponse(
            status=303,
            body="",
            headers={"Location": location, **security_headers("-", secure=visit.request.secure)},
            log_message=log_message,
            log_fields=log_fields,
        )

    def trusted_form(self, visit: Visit) -> dict[str, str]:
        """The posted fields, once the session's CSRF check has passed."""
        form = read_form(visit.request.body, visit.request.content_type)
        if not self.sessions.csrf_is_valid(visit.session, form.get(CSRF_FIELD), now=visit.now):
            raise FormRefused()
        return form

    # -- who you are ----------------------------------------------------------------------------

    def account(self, visit: Visit) -> WebResponse:
        viewer = visit.viewer
        names = {d.code: d.name for d in self.directory.departments}
        return self.page(
            visit,
            "account.html",
            title="Your account",
            roles=sorted((r.label for r in viewer.roles), key=str),
            departments=[names.get(code, code) for code in viewer.departments],
            permissions=sorted(p.description for p in viewer.permissions()),
            is_administrator=StaffRole.ADMINISTRATOR in viewer.roles,
        )

    # -- rendering ------------------------------------------------------------------------------

    def page(
        self, visit: Visit, template: str, *, status: int = 200, **context: Any
    ) -> WebResponse:
        """A signed-in page of the workspace."""
        return render_page(
            template,
            request=visit.request,
            council=self.council,
            status=status,
            viewer=visit.viewer,
            sign_out_token=self.sessions.csrf_token(visit.session, now=visit.now),
            **context,
        )
