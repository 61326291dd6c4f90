"""Every door of the staff workspace is checked on the server: each route, for each role, on each
kind of case (own department, another department, a complaint, a complaint referred to the Chief
Executive, no case at all), answered through the workspace's own resolver, in this process, on
the in-memory store.

What each cell expects comes from the permission table (`permissions.may`) and what the route
declares (`requires`: its permission, and the case its form names, if any): a viewer the table
does not allow gets the 403 page and nothing else. A route with no `requires` that is not one of
the sign-in pages fails, and so does a route with an address part this walk does not know, so a
new route is added here on purpose. Who is signed in is given (the session and its token are
checked in test_session.py and test_auth.py); a visitor signed in as nobody meets the real check.

Steps are refused, with the reason, on a case the case page would not offer them on: the same
conditions decide both (`CaseAction.needs`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sla_monitor_local.local_server import LocalLambdaContext, proxy_event

import sla_monitor.mail.raw_mail as raw_mail_module
from sla_monitor.calendar import LONDON
from sla_monitor.cases import Case, CaseType, Channel, Customer, SentAction
from sla_monitor.directory import default_directory
from sla_monitor.intake import NewCase, register_case
from sla_monitor.mail.raw_mail import InMemoryRawMailStore
from sla_monitor.reply_templates import seed_reply_templates
from sla_monitor.runtime import reset_services, services
from sla_monitor.store.memory import InMemoryCaseStore, InMemoryDirectoryStore
from sla_monitor.triage import TriageRecord
from sla_monitor.web.http.messages import WebResponse
from sla_monitor.web.staff import routes
from sla_monitor.web.staff.permissions import Viewer, may
from sla_monitor.web.staff.routes import resolver
from sla_monitor.web.staff.routes.collaborators import reset_collaborators, sessions
from sla_monitor.web.staff.routes.resolver import StaffRequest
from sla_monitor.web.staff.session import Session
from sla_monitor.web.staff.steps import ACTIONS
from sla_monitor.web.staff.triage import item_id

from .viewers import VIEWERS

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=LONDON)
RECEIVED = NOW - timedelta(days=2)
EMAILS = Path(__file__).resolve().parents[3] / "fixtures" / "emails"
FORM = "application/x-www-form-urlencoded"
REFUSED = "You do not have permission to do this"
NOT_OPEN = "This step cannot be taken on this case"
SESSION = Session(session_id="every-door-session", holder="given, not read here")

# The pages anyone may open: signing in and out, and the style sheets.
PUBLIC = {
    ("GET", "/sign-in"),
    ("POST", "/sign-in"),
    ("GET", "/auth/callback"),
    ("POST", "/sign-out"),
    ("GET", "/signed-out"),
    ("GET", "/assets/<name>"),
}
# The routes that act on a case their form names, not their address: each must say so (its
# `requires` target), so the viewer's permission on that case is asked too.
CASE_IN_THE_FORM = {
    ("POST", "/triage/<item>/attach"),
    ("POST", "/cases/<reference>/link"),
    ("POST", "/cases/<reference>/unlink"),
    ("POST", "/cases/<reference>/merge"),
}
NO_CASE = "NWL-1999-000001"
CASE_KINDS = ("waste enquiry", "housing request", "housing complaint", "referred housing complaint")


@dataclass
class Workspace:
    store: InMemoryCaseStore
    cases: dict[str, str]  # kind of case -> its reference
    values: dict[str, str]  # the address parts the routes take


def _register(store: InMemoryCaseStore, case_type: CaseType, department: str, key: str) -> Case:
    bundle = services()
    return register_case(
        NewCase(
            case_type=case_type,
            channel=Channel.EMAIL,
            received_at=RECEIVED,
            subject="A sample",
            description="A sample",
            customer=Customer(name="Dan Hughes", email="dan.hughes@example.com"),
            department=department,
            idempotency_key=f"every-door:{key}",
        ),
        store=store,
        policy=bundle.policy,
        calendar=bundle.calendar,
        now=RECEIVED,
    ).case


def _plain_problem(template: str, *, status: int, title: str, advice: str, **_: Any) -> WebResponse:
    return WebResponse(status=status, body=f"{title}\n{advice}")


@pytest.fixture(scope="module")
def workspace() -> Iterator[Workspace]:
    """One workspace for the module: the runtime's services with the in-memory store, directory
    and bucket in place of AWS's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STAFF_USER_POOL_ID", "eu-west-2_everydoor")
        patch.setenv("STAFF_CLIENT_ID", "every-door")
        patch.setenv("FORM_SECRET", "every door checked, a secret of forty chars")
        patch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
        patch.delenv("FORM_SECRET_PARAMETER", raising=False)
        reset_services()
        reset_collaborators()
        bundle = services()
        store = InMemoryCaseStore()
        templates = InMemoryDirectoryStore(default_directory())
        seed_reply_templates(templates, [("Service request done", "Done.")], now=RECEIVED)
        # In place of the tables the services would open on first use. Nothing here reaches
        # AWS: a client asked for is none, so sending what a step owes fails quietly (the step
        # stays recorded, owed to the scheduled sweep). The services are forgotten afterwards.
        vars(bundle).update(
            store=store,
            directory_store=templates,
            client=lambda *args, **kwargs: None,
        )
        bucket = InMemoryRawMailStore(bucket=bundle.settings.raw_mail_bucket)
        patch.setattr(raw_mail_module, "S3RawMailStore", lambda client, name: bucket)
        # A refusal's page as its title and advice only: the layout is the integration tests'
        # to check, and rendering it for every refused cell would take most of the walk's time.
        patch.setattr(resolver, "render_page", _plain_problem)

        referred = _register(store, CaseType.COMPLAINT, "housing", "referred")
        store.cases[referred.reference] = replace(
            store.cases[referred.reference],
            sent=(
                SentAction(
                    key="refer_to_chief_executive",
                    action="refer_to_chief_executive",
                    sent_at=RECEIVED,
                ),
            ),
        )
        cases = {
            "waste enquiry": _register(
                store, CaseType.ENQUIRY, "waste-services", "waste"
            ).reference,
            "housing request": _register(
                store, CaseType.SERVICE_REQUEST, "housing", "housing"
            ).reference,
            "housing complaint": _register(
                store, CaseType.COMPLAINT, "housing", "complaint"
            ).reference,
            "referred housing complaint": referred.reference,
            "no case": NO_CASE,
        }
        # A stranger's message, set aside: what "add it to a case" would make the customer's.
        bucket.put_raw("inbound/every-door", (EMAILS / "plain_complaint.eml").read_bytes())
        record = TriageRecord(
            idempotency_key="email:every-door",
            received_at=RECEIVED,
            reason="reply_from_another_address",
            sender="stranger@example.net",
            subject="About my case",
            raw_location=f"s3://{bucket.bucket}/inbound/every-door",
        )
        assert store.record_triage(record)
        yield Workspace(
            store=store,
            cases=cases,
            values={
                "item": item_id(record.idempotency_key),
                "attachment": "not-an-attachment",
                "letter": "not-a-letter",
                "export_id": "not-an-export",
                "code": "planning",
                "officer_id": "waste-officer",
                "day": "2026-12-24",
                "username": "someone",
                "template": "service-request-done",
            },
        )
    reset_services()
    reset_collaborators()


def _answer(
    method: str, path: str, viewer: Viewer | None, fields: dict[str, str] | None = None
) -> dict[str, Any]:
    """The workspace's answer to `viewer` (None: nobody signed in), through its handler."""
    body = urlencode(fields or {}).encode() if method == "POST" else b""
    event = proxy_event(
        method=method,
        target=f"/staff{path}",
        headers=[("Content-Type", FORM)] if method == "POST" else [],
        body=body,
        client_ip="192.0.2.10",
        received_at=NOW,
        base_path="/staff",
    )

    def request_as(request: Any, now: datetime) -> StaffRequest:
        return _SignedInAs(request, now, viewer)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(routes, "StaffRequest", request_as)
        return routes.handle(event, LocalLambdaContext(), now=NOW)


class _SignedInAs(StaffRequest):
    """A request from someone signed in, as their session and token would make them."""

    def __init__(self, request: Any, now: datetime, given: Viewer | None) -> None:
        super().__init__(request, now)
        self.given = given

    def viewer(self) -> Viewer:
        if self.given is None:
            return super().viewer()  # nobody: the session check itself
        self.signed_in = SESSION
        self._viewer = self.given
        return self.given


def _location(answer: dict[str, Any]) -> str:
    single = answer.get("headers") or {}
    multi = answer.get("multiValueHeaders") or {}
    return str(single.get("Location") or (multi.get("Location") or [""])[0])


def _csrf() -> str:
    return sessions().csrf_token(SESSION, now=NOW)


# -- the walk -----------------------------------------------------------------------------------


def _routes() -> list[Any]:
    routes.register_every_route()  # each part's routes register with its first request
    return sorted(
        routes.app._static_routes + routes.app._dynamic_routes, key=lambda r: (r.path, r.method)
    )


ROUTES = [(r.method, r.path) for r in _routes()]


def _route(method: str, path: str) -> Any:
    return next(r for r in _routes() if (r.method, r.path) == (method, path))


def _address(path: str, workspace: Workspace, reference: str) -> str:
    def value(part: re.Match[str]) -> str:
        name = part.group(1)
        if name == "reference":
            return reference
        assert name in workspace.values, f"a route takes <{name}>: say here what to walk it with"
        return workspace.values[name]

    return re.sub(r"<(\w+)>", value, path)


def _cells(func: Any, path: str) -> list[str]:
    """The kinds of case a route is walked on: every kind where it names one (in its address
    or its form), else none."""
    names_a_case = "<reference>" in path or getattr(func, "target", None) is not None
    return [*CASE_KINDS, "no case"] if names_a_case else ["no case"]


def _allowed(func: Any, path: str, viewer: Viewer, case: Case | None) -> bool:
    """The permission table's answer for this route, viewer and case."""
    permission = func.permission
    if permission is not None:
        on = case if permission.on_a_case and "<reference>" in path else None
        if not may(viewer, permission, on):
            return False
    target = getattr(func, "target", None)
    return target is None or case is None or may(viewer, target.permission, case)


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_every_route_answers_only_the_viewers_the_permission_table_allows(
    workspace: Workspace, method: str, path: str
):
    route = _route(method, path)
    if (method, path) in PUBLIC:
        return
    assert hasattr(route.func, "permission"), f"{method} {path} has no `requires`: who may use it?"
    target = getattr(route.func, "target", None)
    if (method, path) in CASE_IN_THE_FORM:
        assert target is not None, f"{method} {path} acts on a case without asking about it"
        assert target.permission.on_a_case
    else:
        assert target is None, f"{method} {path} names a case in its form: list it above"
    problems = []
    for kind in _cells(route.func, path):
        reference = workspace.cases[kind]
        case = workspace.store.get_case(reference)
        address = _address(path, workspace, reference)
        fields = {"csrf_token": _csrf(), "reference": reference, "sender_confirmed": "yes"}

        nobody = _answer(method, address, None, fields)
        if nobody["statusCode"] != 303 or "/staff/sign-in" not in _location(nobody):
            problems.append((kind, "nobody signed in", nobody["statusCode"]))

        for who, viewer in VIEWERS.items():
            if _allowed(route.func, path, viewer, case):
                continue
            answer = _answer(method, address, viewer, fields)
            if case is None and "<reference>" in path:
                expected_status, expected_text = 404, "Page not found"
            else:
                expected_status, expected_text = 403, REFUSED
            if answer["statusCode"] != expected_status or expected_text not in answer["body"]:
                problems.append((kind, who, answer["statusCode"]))
    assert problems == []


def test_the_walk_covers_the_steps_and_the_set_aside_mail():
    walked = {path for _, path in ROUTES}
    assert {path for _, path in PUBLIC} <= walked
    assert {f"/cases/<reference>/{name}" for name in ACTIONS} <= walked
    assert "/triage/<item>/attach" in walked


# -- adding set-aside mail to a case (finding: any case, by anyone dealing with the mail) ----------


@pytest.mark.parametrize(
    ("who", "kind"),
    [
        ("administrator", "housing request"),  # 403 on the case page itself
        ("corporate complaints officer", "waste enquiry"),  # not a complaint
    ],
)
def test_a_stranger_s_message_is_not_added_to_a_case_the_viewer_may_not_work_on(
    workspace: Workspace, who: str, kind: str
):
    reference = workspace.cases[kind]
    before = workspace.store.get_case(reference)
    timeline = len(workspace.store.timeline(reference))

    answer = _answer(
        "POST",
        f"/triage/{workspace.values['item']}/attach",
        VIEWERS[who],
        {"csrf_token": _csrf(), "reference": reference.lower(), "sender_confirmed": "yes"},
    )

    assert answer["statusCode"] == 403
    assert "add a message to a case as the customer" in answer["body"]
    assert workspace.store.get_case(reference) == before  # nobody told "the customer replied"
    assert len(workspace.store.timeline(reference)) == timeline
    record = workspace.store.triage_records()[0]
    assert record.resolution is None


# -- a step only where the case page would offer it ---------------------------------------------


def _not_open_cells(workspace: Workspace) -> Iterator[tuple[str, str, str, Viewer]]:
    """Each step, on each sample case it is not open on, with a viewer who may take it there."""
    for name, action in ACTIONS.items():
        for kind, reference in workspace.cases.items():
            case = workspace.store.get_case(reference)
            if case is None or action.shown(case):
                continue
            who = next((w for w, v in VIEWERS.items() if may(v, action.permission, case)), None)
            if who is not None:
                yield name, kind, reference, VIEWERS[who]


def test_a_step_not_open_on_the_case_is_refused_with_the_reason_however_it_is_asked(
    workspace: Workspace,
):
    cells = list(_not_open_cells(workspace))
    assert {name for name, *_ in cells} >= {
        "resume",
        "confirm-type",
        "refuse",
        "stage-2",
        "respond",  # on the enquiry and the service request: they are answered by a reply
    }
    problems = []
    for name, kind, reference, viewer in cells:
        before = workspace.store.get_case(reference)
        reason = ACTIONS[name].why_not(before)
        assert reason is not None
        form = _answer("GET", f"/cases/{reference}/{name}", viewer)
        answer = _answer(
            "POST",
            f"/cases/{reference}/{name}",
            viewer,
            {"csrf_token": _csrf(), "case_type": "complaint", "reason": "x", "text": "x"},
        )
        for asked, got in (("form", form), ("answer", answer)):
            body = got["body"].replace("&#39;", "'")
            if got["statusCode"] != 409 or NOT_OPEN not in body or reason[1:] not in body:
                problems.append((name, kind, asked, got["statusCode"]))
        if workspace.store.get_case(reference) != before:
            problems.append((name, kind, "changed", None))
    assert problems == []


def test_an_enquiry_not_flagged_is_not_made_a_complaint_by_confirming_its_type(
    workspace: Workspace,
):
    reference = workspace.cases["waste enquiry"]
    answer = _answer(
        "POST",
        f"/cases/{reference}/confirm-type",
        VIEWERS["officer"],
        {"csrf_token": _csrf(), "case_type": "complaint"},
    )

    assert answer["statusCode"] == 409
    assert "not flagged as a possible complaint" in answer["body"]
    case = workspace.store.get_case(reference)
    assert case is not None and case.case_type is CaseType.ENQUIRY
