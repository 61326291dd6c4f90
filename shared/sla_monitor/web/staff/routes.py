"""The staff workspace's routes: API Gateway events in, pages out.

Each route is one line of the pages behind one `requires` decorator: who may use it is written
in `permissions.py`, never here. The steps on a case are routed from the steps table
(`pages.ACTIONS`), so each step's permission is written once, on its line there. Why a request
was turned away becomes an HTTP answer in one place, the exception handlers at the end: no
session or an expired one sends the browser to sign in; the wrong role gets the 403 page; a form
without its CSRF token gets a 403 page and changes nothing. Every refusal is logged with its
reason and the route, never with personal data.

The Lambda handler (`functions/staff_workspace/app.py`) only calls `handle`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from sla_monitor.attachments import AttachmentLinks, S3AttachmentLinks
from sla_monitor.cases import Case
from sla_monitor.lookups import CaseNotFound, NotInTheDirectory, TriageItemNotFound
from sla_monitor.runtime import services
from sla_monitor.web.errors import FormNotAccepted
from sla_monitor.web.forms import FieldError, read_form
from sla_monitor.web.gateway import (
    fetch_stored_secret,
    gateway_response,
    unexpected_error_fields,
    web_request,
)
from sla_monitor.web.http.messages import SetCookie, WebRequest, WebResponse
from sla_monitor.web.security import (
    CSRF_MAX_AGE,
    FormSigner,
    csrf_token_for,
    csrf_token_is_valid,
    resolve_secret,
)
from sla_monitor.web.staff.auth import (
    Authorization,
    BadToken,
    HostedSignIn,
    LocalSignIn,
    SignInFailed,
    Tokens,
    TokenVerifier,
    jwks_signing_key,
)
from sla_monitor.web.staff.pages import (
    ACTIONS,
    AttachmentNotOffered,
    CaseAction,
    FormRefused,
    StaffPages,
    StaffUrls,
    Visit,
    home_of,
    redirect,
    render_page,
)
from sla_monitor.web.staff.permissions import (
    CURRENT_ACCESS,
    NotPermitted,
    NotSignedIn,
    Permission,
    StaffRole,
    Viewer,
    requires,
    viewer_from_claims,
)
from sla_monitor.web.staff.session import (
    CSRF_FIELD,
    SESSION_COOKIE,
    SIGN_IN_COOKIE,
    SIGN_IN_CSRF_COOKIE,
    SIGN_IN_MAX_AGE,
    NoSession,
    Session,
    Sessions,
)

if TYPE_CHECKING:
    from sla_monitor.settings.functions import StaffWorkspaceSettings
    from sla_monitor.settings.pieces import CognitoSettings
    from sla_monitor.staff_accounts import StaffAccounts
    from sla_monitor.web.staff.administration import CalendarPages, DirectoryPages, UserPages
    from sla_monitor.web.staff.triage import TriagePages

# The administration pages, staff accounts and logging a case load with the first route that
# uses them, not on every cold start (most requests are an officer's casework).

logger = Logger(service="staff-workspace")
app = APIGatewayRestResolver()


# -- collaborators, made once per container ------------------------------------------------------


@lru_cache(maxsize=1)
def cognito_settings() -> StaffWorkspaceSettings:
    # The function's settings, read with its first request (pydantic-settings loads with them).
    from sla_monitor.settings import read_settings
    from sla_monitor.settings.functions import StaffWorkspaceSettings

    return read_settings(StaffWorkspaceSettings)


@lru_cache(maxsize=4)
def _verifier(settings: CognitoSettings) -> TokenVerifier:
    return TokenVerifier(
        issuer=settings.issuer,
        client_id=settings.staff_client_id,
        signing_key=jwks_signing_key(settings.jwks_url),
    )


@lru_cache(maxsize=4)
def _sessions(settings: StaffWorkspaceSettings) -> Sessions:
    signer = FormSigner(resolve_secret(settings, fetch_stored_secret))
    return Sessions(signer, idle_timeout=timedelta(minutes=settings.staff_idle_timeout_minutes))


def sessions() -> Sessions:
    return _sessions(cognito_settings())


def reset_collaborators() -> None:
    """Forget the settings, keys and secret read so far (tests and the local stack)."""
    cognito_settings.cache_clear()
    _verifier.cache_clear()
    _sessions.cache_clear()


def _deliver(reference: str, now: datetime) -> bool:
    """Send at once what a step left owed on the case, as `sla-monitor case` does. The step is
    recorded already: if sending fails, what it owes stays owed for the scheduled sweep."""
    # The checker's sweep loads with the first step that owes something, not with every page.
    from sla_monitor.checker.wiring import deliver_now

    try:
        report = deliver_now(services(), reference, now)
    except Exception as error:  # any failure to send leaves the step as it is, and owed
        logger.warning("sending after a step failed", extra={"error_type": type(error).__name__})
        return False
    if report.failures:
        logger.warning("sending after a step failed", extra={"errors": report.failures})
    return not (report.failures or report.deferred)


def _attachment_links() -> AttachmentLinks:
    bundle = services()
    return S3AttachmentLinks(bundle.client("s3"), bundle.settings.raw_mail_bucket)


def _attachment_prefix() -> str:
    return cognito_settings().attachment_prefix


def _pages() -> StaffPages:
    bundle = services()
    return StaffPages(
        council=bundle.council,
        sessions=sessions(),
        store=bundle.store,
        policy=bundle.policy,
        calendar=bundle.calendar,
        directory=bundle.directory,
        deliver=_deliver,
        attachment_prefix=_attachment_prefix(),
        attachment_links=_attachment_links,
    )


# -- the request being answered ----------------------------------------------------------------


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
            try:
                claims = _verifier(cognito_settings()).verify(
                    session.id_token, use="id", now=self.now
                )
            except BadToken as bad:
                raise NotSignedIn(f"token: {bad}") from None
            self._viewer = viewer_from_claims(claims, services().directory)
            self.signed_in = session
        return self._viewer

    def case(self, reference: str) -> Case:
        if reference not in self._cases:
            found = services().store.get_case(reference)
            if found is None:
                raise CaseNotFound(reference)
            self._cases[reference] = found
        return self._cases[reference]

    def visit(self) -> Visit:
        viewer = self.viewer()
        assert self.signed_in is not None
        return Visit(request=self.request, viewer=viewer, session=self.signed_in, now=self.now)


def _current() -> StaffRequest:
    current: StaffRequest = app.context["staff_request"]
    return current


def _session_cookie(value: str, *, secure: bool, urls: StaffUrls, max_age: int) -> SetCookie:
    return SetCookie(
        name=SESSION_COOKIE, value=value, path=urls.cookie_path, max_age=max_age, secure=secure
    )


def _respond(page: WebResponse) -> Response:
    """The page as API Gateway answers it, with the session renewed (its idle time restarts)."""
    current = _current()
    if page.log_message:
        logger.info(page.log_message, extra=dict(page.log_fields))
    cookies = page.cookies
    session = current.signed_in
    if session is not None and not any(c.name == SESSION_COOKIE for c in cookies):
        renewed = _session_cookie(
            sessions().cookie_value(session, now=current.now),
            secure=current.request.secure,
            urls=current.urls,
            max_age=int(sessions().idle_timeout.total_seconds()),
        )
        cookies = (*cookies, renewed)
    return gateway_response(
        WebResponse(
            status=page.status,
            body=page.body,
            content_type=page.content_type,
            headers=page.headers,
            cookies=cookies,
        )
    )


def _problem(
    status: int,
    title: str,
    advice: str,
    *,
    cookies: tuple[SetCookie, ...] = (),
    **extra: Any,
) -> Response:
    current = _current()
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
    return _respond(
        WebResponse(status=page.status, body=page.body, headers=page.headers, cookies=cookies)
    )


# -- home and who you are -----------------------------------------------------------------------


@app.get("/")
@requires(None)
def home() -> Response:
    current = _current()
    target = home_of(current.viewer(), current.urls)
    return _respond(redirect(target, secure=current.request.secure))


@app.get("/account")
@requires(None)
def account() -> Response:
    return _respond(_pages().account(_current().visit()))


# -- the work list and a case --------------------------------------------------------------------


@app.get("/cases")
@requires(Permission.VIEW_WORK_LIST)
def cases() -> Response:
    return _respond(_pages().work_list(_current().visit()))


@app.get("/cases.csv")
@requires(Permission.EXPORT_WORK_LIST)
def cases_csv() -> Response:
    return _respond(_pages().work_list_csv(_current().visit()))


@app.get("/cases/new")
@requires(Permission.LOG_CASE)
def log_case_form() -> Response:
    from sla_monitor.web.staff.log_case import LogCasePages

    return _respond(LogCasePages(_pages()).form(_current().visit()))


@app.post("/cases/new")
@requires(Permission.LOG_CASE)
def log_case() -> Response:
    from sla_monitor.web.staff.log_case import LogCasePages

    return _respond(LogCasePages(_pages()).log(_current().visit()))


@app.get("/cases/<reference>")
@requires(Permission.VIEW_CASE)
def case(reference: str) -> Response:
    current = _current()
    return _respond(_pages().case_page(current.visit(), current.case(reference)))


@app.get("/cases/<reference>/attachments/<attachment>")
@requires(Permission.DOWNLOAD_ATTACHMENT)
def attachment(reference: str, attachment: str) -> Response:
    current = _current()
    return _respond(_pages().attachment(current.visit(), current.case(reference), attachment))


# -- the steps on a case: a form (GET) and its answer (POST) each ---------------------------------


def _form(reference: str, name: str) -> Response:
    current = _current()
    return _respond(_pages().action_form(current.visit(), current.case(reference), ACTIONS[name]))


def _step(reference: str, name: str) -> Response:
    current = _current()
    return _respond(_pages().take_action(current.visit(), current.case(reference), ACTIONS[name]))


def _route_step(action: CaseAction) -> None:
    """A step's form (GET) and its answer (POST), both behind the permission its line of the
    steps table names: the one place that permission is written."""
    path = f"/cases/<reference>/{action.name}"

    def form(reference: str) -> Response:
        return _form(reference, action.name)

    def answer(reference: str) -> Response:
        return _step(reference, action.name)

    form.__name__ = f"{action.name.replace('-', '_')}_form"
    answer.__name__ = action.name.replace("-", "_")
    app.get(path)(requires(action.permission)(form))
    app.post(path)(requires(action.permission)(answer))


for _action in ACTIONS.values():
    _route_step(_action)


# -- the reports ------------------------------------------------------------------------------


@app.get("/reports")
@requires(Permission.VIEW_REPORTS)
def reports() -> Response:
    # The reports' code loads with the first report asked for.
    from sla_monitor.web.staff.reports import ReportPages

    return _respond(ReportPages(_pages()).show(_current().visit()))


# -- the set-aside mail ------------------------------------------------------------------------


def _triage() -> TriagePages:
    # Reading set-aside mail loads with the first triage page.
    from sla_monitor.mail.raw_mail import S3RawMailStore
    from sla_monitor.web.staff.triage import TriagePages

    bundle = services()
    return TriagePages(
        _pages(),
        raw_mail=S3RawMailStore(bundle.client("s3"), bundle.settings.raw_mail_bucket),
        attachment_prefix=_attachment_prefix(),
    )


@app.get("/triage")
@requires(Permission.HANDLE_TRIAGE)
def triage() -> Response:
    return _respond(_triage().overview(_current().visit()))


@app.get("/triage/<item>")
@requires(Permission.HANDLE_TRIAGE)
def triage_item(item: str) -> Response:
    return _respond(_triage().item(_current().visit(), item))


@app.get("/triage/<item>/case")
@requires(Permission.HANDLE_TRIAGE)
def triage_case_form(item: str) -> Response:
    return _respond(_triage().form(_current().visit(), item, "case"))


@app.post("/triage/<item>/case")
@requires(Permission.HANDLE_TRIAGE)
def triage_case(item: str) -> Response:
    return _respond(_triage().act(_current().visit(), item, "case"))


@app.get("/triage/<item>/attach")
@requires(Permission.HANDLE_TRIAGE)
def triage_attach_form(item: str) -> Response:
    return _respond(_triage().form(_current().visit(), item, "attach"))


@app.post("/triage/<item>/attach")
@requires(Permission.HANDLE_TRIAGE)
def triage_attach(item: str) -> Response:
    return _respond(_triage().act(_current().visit(), item, "attach"))


@app.get("/triage/<item>/dismiss")
@requires(Permission.HANDLE_TRIAGE)
def triage_dismiss_form(item: str) -> Response:
    return _respond(_triage().form(_current().visit(), item, "dismiss"))


@app.post("/triage/<item>/dismiss")
@requires(Permission.HANDLE_TRIAGE)
def triage_dismiss(item: str) -> Response:
    return _respond(_triage().act(_current().visit(), item, "dismiss"))


# -- administration: the directory, closure days, staff accounts ---------------------------------


def _directory() -> DirectoryPages:
    from sla_monitor.web.staff.administration import DirectoryPages

    bundle = services()
    return DirectoryPages(_pages(), store=bundle.directory_store, forget=bundle.forget_staff_data)


def _calendar() -> CalendarPages:
    from sla_monitor.web.staff.administration import CalendarPages

    bundle = services()
    return CalendarPages(
        _pages(),
        store=bundle.directory_store,
        calendar=lambda: bundle.calendar,
        configured=bundle.council.calendar_settings.closure_days,
        forget=bundle.forget_staff_data,
    )


def _users() -> UserPages:
    from sla_monitor.staff_accounts import CognitoStaffAccounts
    from sla_monitor.web.staff.administration import UserPages

    def accounts() -> StaffAccounts:
        return CognitoStaffAccounts(
            services().client("cognito-idp"),
            cognito_settings().staff_user_pool_id,
            known_groups=[r.value for r in StaffRole],
        )

    return UserPages(_pages(), accounts=accounts)


@app.get("/directory")
@requires(Permission.MANAGE_DIRECTORY)
def directory() -> Response:
    return _respond(_directory().overview(_current().visit()))


@app.get("/directory/roles")
@requires(Permission.MANAGE_DIRECTORY)
def roles_form() -> Response:
    return _respond(_directory().form(_current().visit(), "roles", None, "change"))


@app.post("/directory/roles")
@requires(Permission.MANAGE_DIRECTORY)
def change_roles() -> Response:
    return _respond(_directory().change(_current().visit(), "roles", None, "change"))


@app.get("/directory/departments/new")
@requires(Permission.MANAGE_DIRECTORY)
def add_department_form() -> Response:
    return _respond(_directory().form(_current().visit(), "departments", None, "add"))


@app.post("/directory/departments/new")
@requires(Permission.MANAGE_DIRECTORY)
def add_department() -> Response:
    return _respond(_directory().change(_current().visit(), "departments", None, "add"))


@app.get("/directory/departments/<code>/change")
@requires(Permission.MANAGE_DIRECTORY)
def change_department_form(code: str) -> Response:
    return _respond(_directory().form(_current().visit(), "departments", code, "change"))


@app.post("/directory/departments/<code>/change")
@requires(Permission.MANAGE_DIRECTORY)
def change_department(code: str) -> Response:
    return _respond(_directory().change(_current().visit(), "departments", code, "change"))


@app.get("/directory/departments/<code>/retire")
@requires(Permission.MANAGE_DIRECTORY)
def retire_department_form(code: str) -> Response:
    return _respond(_directory().form(_current().visit(), "departments", code, "retire"))


@app.post("/directory/departments/<code>/retire")
@requires(Permission.MANAGE_DIRECTORY)
def retire_department(code: str) -> Response:
    return _respond(_directory().change(_current().visit(), "departments", code, "retire"))


@app.get("/directory/officers/new")
@requires(Permission.MANAGE_DIRECTORY)
def add_officer_form() -> Response:
    return _respond(_directory().form(_current().visit(), "officers", None, "add"))


@app.post("/directory/officers/new")
@requires(Permission.MANAGE_DIRECTORY)
def add_officer() -> Response:
    return _respond(_directory().change(_current().visit(), "officers", None, "add"))


@app.get("/directory/officers/<officer_id>/change")
@requires(Permission.MANAGE_DIRECTORY)
def change_officer_form(officer_id: str) -> Response:
    return _respond(_directory().form(_current().visit(), "officers", officer_id, "change"))


@app.post("/directory/officers/<officer_id>/change")
@requires(Permission.MANAGE_DIRECTORY)
def change_officer(officer_id: str) -> Response:
    return _respond(_directory().change(_current().visit(), "officers", officer_id, "change"))


@app.get("/directory/officers/<officer_id>/retire")
@requires(Permission.MANAGE_DIRECTORY)
def retire_officer_form(officer_id: str) -> Response:
    return _respond(_directory().form(_current().visit(), "officers", officer_id, "retire"))


@app.post("/directory/officers/<officer_id>/retire")
@requires(Permission.MANAGE_DIRECTORY)
def retire_officer(officer_id: str) -> Response:
    return _respond(_directory().change(_current().visit(), "officers", officer_id, "retire"))


@app.get("/calendar")
@requires(Permission.MANAGE_CALENDAR)
def calendar() -> Response:
    return _respond(_calendar().overview(_current().visit()))


@app.get("/calendar/close")
@requires(Permission.MANAGE_CALENDAR)
def close_day_form() -> Response:
    return _respond(_calendar().close_form(_current().visit()))


@app.post("/calendar/close")
@requires(Permission.MANAGE_CALENDAR)
def close_day() -> Response:
    return _respond(_calendar().close(_current().visit()))


@app.get("/calendar/<day>/open")
@requires(Permission.MANAGE_CALENDAR)
def open_day_form(day: str) -> Response:
    return _respond(_calendar().open_form(_current().visit(), day))


@app.post("/calendar/<day>/open")
@requires(Permission.MANAGE_CALENDAR)
def open_day(day: str) -> Response:
    return _respond(_calendar().open(_current().visit(), day))


@app.get("/users")
@requires(Permission.MANAGE_USERS)
def users() -> Response:
    return _respond(_users().overview(_current().visit()))


@app.get("/users/invite")
@requires(Permission.MANAGE_USERS)
def invite_form() -> Response:
    return _respond(_users().form(_current().visit(), None, "invite"))


@app.post("/users/invite")
@requires(Permission.MANAGE_USERS)
def invite() -> Response:
    return _respond(_users().change(_current().visit(), None, "invite"))


@app.get("/users/<username>/groups")
@requires(Permission.MANAGE_USERS)
def user_groups_form(username: str) -> Response:
    return _respond(_users().form(_current().visit(), username, "groups"))


@app.post("/users/<username>/groups")
@requires(Permission.MANAGE_USERS)
def user_groups(username: str) -> Response:
    return _respond(_users().change(_current().visit(), username, "groups"))


@app.get("/users/<username>/disable")
@requires(Permission.MANAGE_USERS)
def disable_user_form(username: str) -> Response:
    return _respond(_users().form(_current().visit(), username, "disable"))


@app.post("/users/<username>/disable")
@requires(Permission.MANAGE_USERS)
def disable_user(username: str) -> Response:
    return _respond(_users().change(_current().visit(), username, "disable"))


# -- signing in and out ---------------------------------------------------------------------------


def _return_to(candidate: str | None) -> str:
    urls = _current().urls
    return candidate if candidate and urls.is_own(candidate) else urls.home


@app.get("/sign-in")
def sign_in() -> Response:
    current = _current()
    settings = cognito_settings()
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
    return _respond(redirect(location, secure=current.request.secure, cookies=(cookie,)))


def _local_sign_in_form(
    return_to: str,
    *,
    email: str = "",
    errors: tuple[FieldError, ...] = (),
    status: int = 200,
) -> Response:
    current = _current()
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
    return _respond(
        WebResponse(status=page.status, body=page.body, headers=page.headers, cookies=(cookie,))
    )


@app.post("/sign-in")
def local_sign_in() -> Response:
    current = _current()
    settings = cognito_settings()
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
    current = _current()
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
        tokens = HostedSignIn(cognito_settings()).exchange(
            authorization, code=query.get("code", ""), state=query.get("state", "")
        )
    except (SignInFailed, NoSession, ValueError, KeyError) as failed:
        reason = failed.reason if isinstance(failed, SignInFailed | NoSession) else "bad state"
        logger.info("sign-in refused", extra={"reason": reason, "status": 401})
        return _problem(
            401,
            "Sign-in did not complete",
            "Your sign-in could not be completed, or took too long. Sign in again.",
            sign_in_again=True,
            cookies=(clear,),
        )
    return _start_session(tokens, authorization.return_to, also=(clear,))


def _start_session(tokens: Tokens, return_to: str, also: tuple[SetCookie, ...] = ()) -> Response:
    """Verify both tokens, then start the session and go where the person was going."""
    current = _current()
    verifier = _verifier(cognito_settings())
    try:
        claims = verifier.verify(tokens.id_token, use="id", now=current.now)
        access = verifier.verify(tokens.access_token, use="access", now=current.now)
        if access.get("sub") != claims.get("sub"):
            raise BadToken("tokens of different people")
    except BadToken as bad:
        logger.info("sign-in refused", extra={"reason": f"token: {bad}", "status": 401})
        return _problem(
            401,
            "Sign-in did not complete",
            "Your sign-in could not be checked. Sign in again.",
            sign_in_again=True,
        )
    viewer = viewer_from_claims(claims, services().directory)
    if not viewer.roles:
        logger.info("sign-in refused", extra={"reason": "no staff role", "status": 403})
        return _problem(
            403,
            "Your account has no role in the workspace",
            "Ask an administrator to add you to the group for your role.",
        )
    session = sessions().start(tokens.id_token)
    cookie = _session_cookie(
        sessions().cookie_value(session, now=current.now),
        secure=current.request.secure,
        urls=current.urls,
        max_age=int(sessions().idle_timeout.total_seconds()),
    )
    logger.info("signed in", extra={"roles": sorted(viewer.roles)})
    return _respond(redirect(return_to, secure=current.request.secure, cookies=(*also, cookie)))


@app.post("/sign-out")
def sign_out() -> Response:
    current = _current()
    clear = _session_cookie("", secure=current.request.secure, urls=current.urls, max_age=0)
    try:
        current.viewer()
    except NotSignedIn:
        return _respond(
            redirect(current.urls.signed_out, secure=current.request.secure, cookies=(clear,))
        )
    form = read_form(current.request.body, current.request.content_type)
    assert current.signed_in is not None
    if not sessions().csrf_is_valid(current.signed_in, form.get(CSRF_FIELD), now=current.now):
        raise FormRefused()
    current.signed_in = None  # no renewed cookie: this one is cleared
    settings = cognito_settings()
    location = (
        current.urls.signed_out if settings.local_sign_in else HostedSignIn(settings).sign_out_url()
    )
    logger.info("signed out")
    return _respond(redirect(location, secure=current.request.secure, cookies=(clear,)))


@app.get("/signed-out")
def signed_out() -> Response:
    current = _current()
    page = render_page(
        "signed_out.html",
        request=current.request,
        council=services().council,
        title="You have signed out",
    )
    return _respond(page)


@app.get("/assets/<name>")
def asset(name: str) -> Response:
    found = StaffPages.asset(name)
    return _respond(found) if found else not_found(None)


# -- why a request was turned away, as HTTP ------------------------------------------------------


def _refusal(reason: str, status: int, **fields: Any) -> None:
    event = app.current_event
    logger.info(
        "staff request refused",
        extra={
            "reason": reason,
            "status": status,
            "method": event.http_method,
            "route": event.request_context.resource_path,
            **fields,
        },
    )


@app.not_found
def not_found(_: Exception | None) -> Response:
    return _problem(
        404,
        "Page not found",
        "If you typed the web address, check it is correct. If you pasted the web address, "
        "check you copied the entire address.",
    )


@app.exception_handler(NotSignedIn)
def not_signed_in(error: NotSignedIn) -> Response:
    current = _current()
    _refusal(error.reason, 303)
    seen = current.request.base_path + app.current_event.path
    target = f"{current.urls.sign_in}?return_to={quote(seen, safe='/')}"
    clear = _session_cookie("", secure=current.request.secure, urls=current.urls, max_age=0)
    has_cookie = SESSION_COOKIE in current.request.cookies
    return _respond(
        redirect(target, secure=current.request.secure, cookies=(clear,) if has_cookie else ())
    )


@app.exception_handler(NotPermitted)
def not_permitted(error: NotPermitted) -> Response:
    viewer = _current()._viewer
    _refusal(
        "not permitted",
        403,
        permission=error.permission.value if error.permission else None,
        roles=sorted(viewer.roles) if viewer else [],
    )
    return _problem(
        403,
        "You do not have permission to do this",
        "Your role does not allow you to "
        + (error.permission.description if error.permission else "use this page")
        + " here. If you think it should, ask your Head of Service or an administrator.",
    )


@app.exception_handler(FormRefused)
def form_refused(_: FormRefused) -> Response:
    _refusal("csrf check failed", 403)
    return _problem(
        403,
        "Sorry, this form has expired",
        "For your security, forms expire and only work in the browser session that opened "
        "them. Nothing was changed. Go back, reload the page and try again.",
    )


@app.exception_handler(FormNotAccepted)
def form_not_accepted(error: FormNotAccepted) -> Response:
    _refusal(type(error).__name__, 400)
    return _problem(400, error.title, "Nothing was changed. Go back and try again.")


@app.exception_handler(CaseNotFound)
def case_not_found(_: CaseNotFound) -> Response:
    _refusal("no such case", 404)
    return not_found(None)


@app.exception_handler(NotInTheDirectory)
def not_in_the_directory(_: NotInTheDirectory) -> Response:
    _refusal("no such directory entry, closure day or account", 404)
    return not_found(None)


@app.exception_handler(TriageItemNotFound)
def triage_item_not_found(_: TriageItemNotFound) -> Response:
    _refusal("no such set-aside message", 404)
    return not_found(None)


@app.exception_handler(AttachmentNotOffered)
def attachment_not_offered(_: AttachmentNotOffered) -> Response:
    _refusal("no such attachment offered", 404)
    return not_found(None)


@app.exception_handler(Exception)
def unexpected(error: Exception) -> Response:
    logger.error("unexpected error", extra=unexpected_error_fields(error))
    try:
        return _problem(500, "Sorry, there is a problem with the service", "Try again later.")
    except Exception:  # the last resort must not fail
        return Response(
            status_code=500,
            content_type="text/plain; charset=utf-8",
            body="Sorry, there is a problem with the service. Try again later.",
        )


# -- entry point -------------------------------------------------------------------------------


def handle(event: dict[str, Any], context: LambdaContext, *, now: datetime) -> dict[str, Any]:
    """Answer one API Gateway event as if the time were `now`."""
    current = StaffRequest(web_request(APIGatewayProxyEvent(event)), now)
    app.append_context(staff_request=current)
    token = CURRENT_ACCESS.set(current)
    try:
        return app.resolve(event, context)
    finally:
        CURRENT_ACCESS.reset(token)
        app.clear_context()
