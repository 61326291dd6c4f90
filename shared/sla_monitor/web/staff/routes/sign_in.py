"""Signing in and out: Cognito's managed sign-in (the code flow with PKCE, its state in a signed
cookie), the local sign-in form for the local stack, the session kept on the server once both
tokens are verified, and signing out, which ends it there."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.event_handler import Response

from sla_monitor.runtime import services
from sla_monitor.sessions import begin_session, end_session, session_digest
from sla_monitor.store.ports import SessionRecord, staff_key
from sla_monitor.web.forms import FieldError, read_form
from sla_monitor.web.http.messages import SetCookie, WebResponse
from sla_monitor.web.security import CSRF_MAX_AGE, csrf_token_for, csrf_token_is_valid
from sla_monitor.web.staff.auth import (
    Authorization,
    BadToken,
    HostedSignIn,
    LocalSignIn,
    SignInFailed,
    Tokens,
)
from sla_monitor.web.staff.pages import FormRefused
from sla_monitor.web.staff.permissions import NotSignedIn, Viewer, viewer_from_claims
from sla_monitor.web.staff.rendering import redirect, render_page
from sla_monitor.web.staff.routes.collaborators import (
    logger,
    sessions,
    token_verifier,
    workspace_settings,
)
from sla_monitor.web.staff.routes.errors import not_found
from sla_monitor.web.staff.routes.resolver import (
    app,
    current_request,
    problem,
    respond,
    session_cookie,
)
from sla_monitor.web.staff.session import (
    CSRF_FIELD,
    SIGN_IN_COOKIE,
    SIGN_IN_CSRF_COOKIE,
    SIGN_IN_MAX_AGE,
    NoSession,
    Session,
)


def _return_to(candidate: str | None) -> str:
    urls = current_request().urls
    return candidate if candidate and urls.is_own(candidate) else urls.home


@app.get("/sign-in")
def sign_in() -> Response:
    current = current_request()
    settings = workspace_settings()
    return_to = _return_to(current.request.query.get("return_to"))
    if settings.local_sign_in:
        return _local_sign_in_form(return_to)
    authorization = Authorization.start(return_to)
    cookie = SetCookie(
        name=SIGN_IN_COOKIE,
        value=sessions().sign_in_cookie_value(authorization.to_json(), now=current.now),
        path=current.urls.cookie_path,
        max_age=int(SIGN_IN_MAX_AGE.total_seconds()),
        secure=current.request.secure,
    )
    location = HostedSignIn(settings).authorize_url(authorization)
    return respond(redirect(location, secure=current.request.secure, cookies=(cookie,)))


def _local_sign_in_form(
    return_to: str,
    *,
    email: str = "",
    errors: tuple[FieldError, ...] = (),
    status: int = 200,
) -> Response:
    current = current_request()
    token = csrf_token_for(
        sessions().signer, current.request.cookies.get(SIGN_IN_CSRF_COOKIE), now=current.now
    )
    page = render_page(
        "sign_in.html",
        request=current.request,
        council=services().council,
        status=status,
        title="Sign in to the staff workspace",
        csrf_token=token,
        return_to=return_to,
        email=email,
        errors=[{"text": e.message, "href": f"#{e.field}"} for e in errors],
        field_errors={e.field: {"text": e.message} for e in errors},
    )
    cookie = SetCookie(
        name=SIGN_IN_CSRF_COOKIE,
        value=token,
        path=current.urls.cookie_path,
        max_age=int(CSRF_MAX_AGE.total_seconds()),
        secure=current.request.secure,
    )
    return respond(
        WebResponse(status=page.status, body=page.body, headers=page.headers, cookies=(cookie,))
    )


@app.post("/sign-in")
def local_sign_in() -> Response:
    current = current_request()
    settings = workspace_settings()
    if not settings.local_sign_in:
        return not_found(None)
    form = read_form(current.request.body, current.request.content_type)
    if not csrf_token_is_valid(
        sessions().signer,
        form.get(CSRF_FIELD),
        current.request.cookies.get(SIGN_IN_CSRF_COOKIE),
        now=current.now,
    ):
        raise FormRefused()
    email, password = form.get("email", "").strip(), form.get("password", "")
    return_to = _return_to(form.get("return_to"))
    errors = []
    if not email:
        errors.append(FieldError("email", "Enter your email address"))
    if not password:
        errors.append(FieldError("password", "Enter your password"))
    if errors:
        return _local_sign_in_form(return_to, email=email, errors=tuple(errors), status=400)
    try:
        tokens = LocalSignIn(settings, services().client("cognito-idp")).sign_in(email, password)
    except SignInFailed as failed:
        logger.info("sign-in refused", extra={"reason": failed.reason, "status": 401})
        message = "Enter the email address and password of a staff account"
        return _local_sign_in_form(
            return_to,
            email=email,
            errors=(FieldError("email", message),),
            status=401,
        )
    return _start_session(tokens, return_to)


@app.get("/auth/callback")
def callback() -> Response:
    current = current_request()
    query = current.request.query
    clear = SetCookie(
        name=SIGN_IN_COOKIE,
        value="",
        path=current.urls.cookie_path,
        max_age=0,
        secure=current.request.secure,
    )
    try:
        if query.get("error"):
            raise SignInFailed(f"cognito: {query['error'][:40]}")
        state = sessions().read_sign_in_cookie(
            current.request.cookies.get(SIGN_IN_COOKIE), now=current.now
        )
        authorization = Authorization.from_json(state)
        tokens = HostedSignIn(workspace_settings()).exchange(
            authorization, code=query.get("code", ""), state=query.get("state", "")
        )
    except (SignInFailed, NoSession, ValueError, KeyError) as failed:
        reason = failed.reason if isinstance(failed, SignInFailed | NoSession) else "bad state"
        logger.info("sign-in refused", extra={"reason": reason, "status": 401})
        return problem(
            401,
            "Sign-in did not complete",
            "Your sign-in could not be completed, or took too long. Sign in again.",
            sign_in_again=True,
            cookies=(clear,),
        )
    return _start_session(tokens, authorization.return_to, also=(clear,))


def _start_session(tokens: Tokens, return_to: str, also: tuple[SetCookie, ...] = ()) -> Response:
    """Verify both tokens, then start the session and go where the person was going."""
    current = current_request()
    verifier = token_verifier(workspace_settings())
    try:
        claims = verifier.verify(tokens.id_token, use="id", now=current.now)
        access = verifier.verify(tokens.access_token, use="access", now=current.now)
        if access.get("sub") != claims.get("sub"):
            raise BadToken("tokens of different people")
    except BadToken as bad:
        logger.info("sign-in refused", extra={"reason": f"token: {bad}", "status": 401})
        return problem(
            401,
            "Sign-in did not complete",
            "Your sign-in could not be checked. Sign in again.",
            sign_in_again=True,
        )
    viewer = viewer_from_claims(claims, services().directory)
    if not viewer.roles:
        logger.info("sign-in refused", extra={"reason": "no staff role", "status": 403})
        return problem(
            403,
            "Your account has no role in the workspace",
            "Ask an administrator to add you to the group for your role.",
        )
    session = open_session(viewer, claims, now=current.now)
    if session is None:
        logger.info("sign-in refused", extra={"reason": "sessions ended", "status": 401})
        return problem(
            401,
            "Sign-in did not complete",
            "Your account was changed while you signed in. Sign in again.",
            sign_in_again=True,
        )
    cookie = session_cookie(
        sessions().cookie_value(session, now=current.now),
        secure=current.request.secure,
        urls=current.urls,
        max_age=int(sessions().idle_timeout.total_seconds()),
    )
    logger.info("signed in", extra={"roles": sorted(viewer.roles)})
    return respond(redirect(return_to, secure=current.request.secure, cookies=(*also, cookie)))


def open_session(viewer: Viewer, claims: Mapping[str, Any], *, now: datetime) -> Session | None:
    """A session kept on the server for the viewer the verified ID token's `claims` name, with
    the roles it grants, until the token expires (a session never outlives the token it began
    from); None when their sessions were ended after Cognito issued it."""
    session = sessions().start(staff_key(viewer.username))
    kept = begin_session(
        SessionRecord(
            holder=session.holder,
            session_digest=session_digest(session.session_id),
            started_at=now,
            valid_until=datetime.fromtimestamp(float(claims["exp"]), UTC),
            username=viewer.username,
            officer_id=viewer.officer_id,
            roles=tuple(sorted(viewer.roles)),
            name=claims.get("name"),
            email=claims.get("email"),
        ),
        credentials_issued_at=datetime.fromtimestamp(float(claims["iat"]), UTC),
        store=services().store,
    )
    return session if kept else None


@app.post("/sign-out")
def sign_out() -> Response:
    current = current_request()
    clear = session_cookie("", secure=current.request.secure, urls=current.urls, max_age=0)
    try:
        current.viewer()
    except NotSignedIn:
        return respond(
            redirect(current.urls.signed_out, secure=current.request.secure, cookies=(clear,))
        )
    form = read_form(current.request.body, current.request.content_type)
    assert current.signed_in is not None
    if not sessions().csrf_is_valid(current.signed_in, form.get(CSRF_FIELD), now=current.now):
        raise FormRefused()
    # The session ends on the server: a copy of the cookie is no session either.
    end_session(current.signed_in.holder, current.signed_in.session_id, store=services().store)
    current.signed_in = None  # no renewed cookie: this one is cleared
    settings = workspace_settings()
    location = (
        current.urls.signed_out if settings.local_sign_in else HostedSignIn(settings).sign_out_url()
    )
    logger.info("signed out")
    return respond(redirect(location, secure=current.request.secure, cookies=(clear,)))


@app.get("/signed-out")
def signed_out() -> Response:
    current = current_request()
    page = render_page(
        "signed_out.html",
        request=current.request,
        council=services().council,
        title="You have signed out",
    )
    return respond(page)
