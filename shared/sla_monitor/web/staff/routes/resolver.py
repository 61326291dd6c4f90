"""The workspace's one API Gateway resolver and the request it is answering: who is signed in
(the session the cookie names, read from the server when first asked), the case the address
names, and a page turned into API Gateway's answer with the session renewed."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from sla_monitor.cases import Case
from sla_monitor.lookups import CaseNotFound, as_reference
from sla_monitor.runtime import services
from sla_monitor.sessions import live_session
from sla_monitor.web.forms import read_form
from sla_monitor.web.gateway import gateway_response
from sla_monitor.web.http.messages import SetCookie, WebRequest, WebResponse
from sla_monitor.web.staff.pages import Visit
from sla_monitor.web.staff.permissions import NotSignedIn, Viewer, viewer_of
from sla_monitor.web.staff.rendering import render_page
from sla_monitor.web.staff.routes.collaborators import logger, sessions
from sla_monitor.web.staff.session import SESSION_COOKIE, NoSession, Session
from sla_monitor.web.staff.urls import StaffUrls

app = APIGatewayRestResolver()
# Longer than any reference a council could choose: not worth looking up.
MAX_REFERENCE = 64


class StaffRequest:
    """One request: what the browser sent, and (when asked) who is signed in."""

    def __init__(self, request: WebRequest, now: datetime) -> None:
        self.request = request
        self.now = now
        self.signed_in: Session | None = None
        self._viewer: Viewer | None = None
        self._cases: dict[str, Case] = {}

    @property
    def urls(self) -> StaffUrls:
        return StaffUrls(self.request.base_path)

    def viewer(self) -> Viewer:
        if self._viewer is None:
            try:
                session = sessions().read(self.request.cookies.get(SESSION_COOKIE), now=self.now)
            except NoSession as missing:
                raise NotSignedIn(missing.reason) from None
            bundle = services()
            # One strongly consistent read: a session signed out or ended by an administrator
            # is gone, and who the person is and their roles are as they signed in since.
            kept = live_session(
                session.holder, session.session_id, now=self.now, store=bundle.store
            )
            if kept is None or kept.username is None or kept.officer_id is None:
                raise NotSignedIn("session ended")
            self._viewer = viewer_of(
                username=kept.username,
                officer_id=kept.officer_id,
                groups=kept.roles,
                name=kept.name,
                email=kept.email,
                directory=bundle.directory,
            )
            self.signed_in = session
        return self._viewer

    def case(self, reference: str) -> Case:
        if reference not in self._cases:
            found = services().store.get_case(reference)
            if found is None:
                raise CaseNotFound(reference)
            self._cases[reference] = found
        return self._cases[reference]

    def case_in_form(self, field: str) -> Case | None:
        """The case the posted form's `field` names; None when it names none (the page says
        so beside the field)."""
        reference = as_reference(
            read_form(self.request.body, self.request.content_type).get(field, "")
        )
        if not reference or len(reference) > MAX_REFERENCE:
            return None
        try:
            return self.case(reference)
        except CaseNotFound:
            return None

    def visit(self) -> Visit:
        viewer = self.viewer()
        assert self.signed_in is not None
        return Visit(request=self.request, viewer=viewer, session=self.signed_in, now=self.now)


def current_request() -> StaffRequest:
    current: StaffRequest = app.context["staff_request"]
    return current


def session_cookie(value: str, *, secure: bool, urls: StaffUrls, max_age: int) -> SetCookie:
    return SetCookie(
        name=SESSION_COOKIE, value=value, path=urls.cookie_path, max_age=max_age, secure=secure
    )


def respond(page: WebResponse) -> Response:
    """The page as API Gateway answers it, with the session renewed (its idle time restarts)."""
    current = current_request()
    if page.log_message:
        logger.info(page.log_message, extra=dict(page.log_fields))
    cookies = page.cookies
    session = current.signed_in
    if session is not None and not any(c.name == SESSION_COOKIE for c in cookies):
        renewed = session_cookie(
            sessions().cookie_value(session, now=current.now),
            secure=current.request.secure,
            urls=current.urls,
            max_age=int(sessions().idle_timeout.total_seconds()),
        )
        cookies = (*cookies, renewed)
    return gateway_response(replace(page, cookies=cookies))


def problem(
    status: int,
    title: str,
    advice: str,
    *,
    cookies: tuple[SetCookie, ...] = (),
    **extra: Any,
) -> Response:
    current = current_request()
    page = render_page(
        "problem.html",
        request=current.request,
        council=services().council,
        status=status,
        viewer=current._viewer,
        sign_out_token=(
            sessions().csrf_token(current.signed_in, now=current.now) if current.signed_in else None
        ),
        title=title,
        advice=advice,
        **extra,
    )
    return respond(
        WebResponse(status=page.status, body=page.body, headers=page.headers, cookies=cookies)
    )
