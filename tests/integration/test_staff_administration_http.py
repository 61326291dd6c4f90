"""The set-aside mail and the administrators' pages over HTTP, through the real handler against
moto: a message made into a case (timed from when it arrived, acknowledged at once), added to a
case, dismissed; departments, officers and roles changed; a day closed and opened again with
the open cases it moves re-timed; staff accounts invited, regrouped and disabled in moto's
Cognito. Refusals come back beside their field, with the answers kept. Sessions that really end:
a copy of a staff cookie reads and writes nothing once its session is signed out, or once an
administrator disables the account, changes its roles or signs it out everywhere; and nobody,
administrators included, gives themselves a role that reads cases."""

from __future__ import annotations

import re
import urllib.parse
from datetime import UTC, datetime, timedelta

import pytest
from sla_monitor_local.local_stack import LocalStack
from sla_monitor_local.local_staff import add_staff_user, local_password

from sla_monitor.triage import TriageOutcome
from sla_monitor.web.staff.permissions import StaffRole
from sla_monitor.web.staff.triage import item_id
from sla_monitor.wording import long_date

from .staff_support import EMAILS, Browser

pytestmark = pytest.mark.slow(seconds=18)

NOW = datetime.now(UTC)


def _set_aside(stack: LocalStack, reason: str):
    return next(r for r in stack.services.store.triage_records() if r.reason == reason)


# -- set-aside mail -------------------------------------------------------------------------------


def test_the_set_aside_list_shows_why_each_message_was_set_aside(stack, browsers):
    page = browsers["corporate_complaints_officer"].get("/triage")
    assert page.status == 200
    for label in ("SES marked it as spam", "Automatic reply or out-of-office", "Bounce"):
        assert label in page.body
    assert "helen.carter@example.org" in page.body
    assert "Street lights out on Ashby Road" in page.body


def test_a_complaint_marked_as_spam_is_made_a_case_timed_from_its_arrival(stack, browsers):
    cco = browsers["corporate_complaints_officer"]
    record = _set_aside(stack, "spam")
    item = item_id(record.idempotency_key)
    page = cco.get(f"/triage/{item}")
    assert "It is dark and unsafe" in page.body  # the message itself, to decide on

    refused = cco.submit(f"/triage/{item}/case", {"department": "environmental-health"})
    assert refused.status == 400
    assert 'href="#case_type"' in refused.body

    answer = cco.submit(
        f"/triage/{item}/case", {"case_type": "complaint", "department": "environmental-health"}
    )
    assert answer.status == 303
    assert "done=made-from-triage" in answer.location
    reference = urllib.parse.urlsplit(answer.location).path.rsplit("/", 1)[-1]
    case = stack.services.store.get_case(reference)
    assert case.received_at == record.received_at
    assert case.customer.email == "helen.carter@example.org"
    assert case.department == "environmental-health"
    kinds = [e.kind for e in stack.services.store.timeline(reference)]
    assert "message_sent" in kinds  # acknowledged at once
    marked = next(
        r
        for r in stack.services.store.triage_records()
        if r.idempotency_key == record.idempotency_key
    )
    assert marked.resolution.outcome is TriageOutcome.MADE_CASE
    assert marked.resolution.by == "complaints-officer"
    assert marked.resolution.reference == reference

    # Dealt with: listed apart, and a second go is refused.
    assert "Street lights out" not in cco.get("/triage").body
    assert "Street lights out" in cco.get("/triage?show=done").body
    again = cco.submit(
        f"/triage/{item}/case",
        {"case_type": "complaint"},
        form=f"/triage/{item}/dismiss",
    )
    assert again.status == 400
    assert "dealt with already" in again.body


def test_an_out_of_office_reply_is_dismissed_with_a_reason_and_kept(stack, browsers):
    admin = browsers["administrator"]
    record = _set_aside(stack, "auto_reply")
    item = item_id(record.idempotency_key)
    empty = admin.submit(f"/triage/{item}/dismiss", {"reason": ""})
    assert empty.status == 400
    answer = admin.submit(f"/triage/{item}/dismiss", {"reason": "An out-of-office reply"})
    assert answer.status == 303
    assert answer.location == "/staff/triage?done=dismissed"
    done = admin.get("/triage?show=done")
    assert "An out-of-office reply" in done.body
    assert "Dismissed" in done.body


def test_a_message_is_added_to_a_case_only_once_the_sender_is_confirmed(stack, browsers):
    cco = browsers["corporate_complaints_officer"]
    record = _set_aside(stack, "bounce")
    item = item_id(record.idempotency_key)
    reference = stack.sample_cases["repairs"]
    unconfirmed = cco.submit(f"/triage/{item}/attach", {"reference": reference})
    assert unconfirmed.status == 400
    assert 'href="#sender_confirmed"' in unconfirmed.body
    assert f'value="{reference}"' in unconfirmed.body
    unknown = cco.submit(
        f"/triage/{item}/attach", {"reference": "NWL-1999-000001", "sender_confirmed": "yes"}
    )
    assert unknown.status == 400
    assert 'href="#reference"' in unknown.body
    answer = cco.submit(
        f"/triage/{item}/attach", {"reference": reference, "sender_confirmed": "yes"}
    )
    assert answer.status == 303
    assert "done=attached-from-triage" in answer.location
    replies = [e for e in stack.services.store.timeline(reference) if e.kind == "customer_reply"]
    assert replies and "added by complaints-officer" in replies[-1].summary


# -- the directory ------------------------------------------------------------------------------


def test_an_administrator_adds_a_department_and_an_officer(stack, browsers):
    admin = browsers["administrator"]
    refused = admin.submit(
        "/directory/departments/new",
        {"code": "Street Lighting", "name": "Street Lighting", "head_of_service": "head-housing"},
    )
    assert refused.status == 400
    assert 'href="#code"' in refused.body
    assert 'value="Street Lighting"' in refused.body
    added = admin.submit(
        "/directory/departments/new",
        {
            "code": "street-lighting",
            "name": "Street Lighting",
            "head_of_service": "head-environmental-health",
            "team_email": "lighting@nwleicestershire.gov.uk",
        },
    )
    assert added.status == 303
    assert added.location == "/staff/directory?done=department-added"

    officer = admin.submit(
        "/directory/officers/new",
        {
            "officer_id": "sam-lamp",
            "name": "Sam Lamp",
            "email": "not an address",
            "job_title": "Lighting Engineer",
            "department": "street-lighting",
        },
    )
    assert officer.status == 400
    assert 'href="#email"' in officer.body
    officer = admin.submit(
        "/directory/officers/new",
        {
            "officer_id": "sam-lamp",
            "name": "Sam Lamp",
            "email": "sam.lamp@nwleicestershire.gov.uk",
            "job_title": "Lighting Engineer",
            "department": "street-lighting",
        },
    )
    assert officer.status == 303
    directory = stack.services.directory_store.load_directory()
    assert directory.department("street-lighting").head_of_service == "head-environmental-health"
    found = directory.officer("sam-lamp")
    assert (found.department, found.changed_by) == ("street-lighting", "it-admin")
    page = admin.get("/directory")
    assert "Sam Lamp" in page.body and "Street Lighting" in page.body


def test_a_head_of_service_cannot_be_retired_before_another_is_named(stack, browsers):
    admin = browsers["administrator"]
    answer = admin.submit("/directory/officers/head-planning/retire", {})
    assert answer.status == 400
    assert "Head of Service of planning" in answer.body
    assert not stack.services.directory_store.load_directory().officer("head-planning").retired


def _housing_officer_with_a_case(stack, admin, officer_id: str, name: str) -> str:
    """A Housing officer added through the directory page, with one open complaint of theirs."""
    from sla_monitor.cases import CaseType, Channel, Customer
    from sla_monitor.intake import NewCase, register_case
    from sla_monitor.staff import assign_case

    added = admin.submit(
        "/directory/officers/new",
        {
            "officer_id": officer_id,
            "name": name,
            "email": f"{officer_id.replace('-', '.')}@nwleicestershire.gov.uk",
            "job_title": "Housing Officer",
            "department": "housing",
        },
    )
    assert added.status == 303
    bundle = stack.services
    bundle.forget_staff_data()
    casework = {"store": bundle.store, "policy": bundle.policy, "calendar": bundle.calendar}
    reference = register_case(
        NewCase(
            case_type=CaseType.COMPLAINT,
            channel=Channel.EMAIL,
            received_at=datetime.now(UTC) - timedelta(hours=1),
            subject="Repairs never done",
            description="The repair was booked twice and nobody came.",
            customer=Customer(name="Ann Example", email=f"ann.{officer_id}@example.org"),
            department="housing",
            idempotency_key=f"http-test-case-of-{officer_id}",
        ),
        now=datetime.now(UTC),
        **casework,
    ).case.reference
    assign_case(
        reference,
        officer_id=officer_id,
        department=None,
        by="head-housing",
        now=datetime.now(UTC),
        **casework,
    )
    return reference


def test_retiring_an_officer_hands_their_open_cases_to_the_head_of_service(stack, browsers):
    from sla_monitor.cases import NotificationKind

    admin = browsers["administrator"]
    bundle = stack.services
    reference = _housing_officer_with_a_case(stack, admin, "pat-leaver", "Pat Leaver")
    form = admin.get("/directory/officers/pat-leaver/retire")
    assert "Pat Leaver has 1 open case" in form.body and f"<li>{reference}</li>" in form.body

    answer = admin.submit("/directory/officers/pat-leaver/retire", {})

    assert answer.status == 303
    case = bundle.store.get_case(reference)
    assert NotificationKind.OWNER_RETIRED in {n.kind for n in case.notifications}
    assert bundle.store.timeline(reference)[-1].kind == "owner_retired"


def test_moving_an_officer_shows_their_cases_and_hands_over_those_left_behind(stack, browsers):
    from sla_monitor.cases import NotificationKind

    admin = browsers["administrator"]
    bundle = stack.services
    reference = _housing_officer_with_a_case(stack, admin, "sam-mover", "Sam Mover")
    form = admin.get("/directory/officers/sam-mover/change")
    assert "Sam Mover has 1 open case" in form.body and f"<li>{reference}</li>" in form.body
    assert 'name="their_cases"' in form.body

    answer = admin.submit(
        "/directory/officers/sam-mover/change",
        {
            "name": "Sam Mover",
            "email": "sam.mover@nwleicestershire.gov.uk",
            "job_title": "Waste Officer",
            "department": "waste-services",
            "their_cases": "hand-over",
        },
    )

    assert answer.status == 303 and "done=officer-moved" in answer.location
    case = bundle.store.get_case(reference)
    assert case.assigned_officer is None
    assert NotificationKind.OWNER_MOVED in {n.kind for n in case.notifications}
    assert bundle.store.timeline(reference)[-1].summary.startswith(
        "Sam Mover has moved to Waste Services"
    )


def test_the_council_wide_roles_are_changed_on_one_form(stack, browsers):
    admin = browsers["administrator"]
    answer = admin.submit(
        "/directory/roles",
        {
            "corporate_complaints_officer": "complaints-officer",
            "chief_executive": "chief-executive",
            "default_department": "housing",
        },
    )
    assert answer.status == 303
    assert stack.services.directory_store.load_directory().default_department == "housing"
    admin.submit(
        "/directory/roles",
        {
            "corporate_complaints_officer": "complaints-officer",
            "chief_executive": "chief-executive",
            "default_department": "customer-services",
        },
    )


# -- closure days -------------------------------------------------------------------------------


def _date_fields(day) -> dict[str, str]:
    return {"day-day": str(day.day), "day-month": str(day.month), "day-year": str(day.year)}


def test_closing_a_day_retimes_the_open_cases_it_moves_and_opening_it_moves_them_back(
    stack, browsers
):
    admin = browsers["administrator"]
    bundle = stack.services
    calendar = bundle.calendar
    day = calendar.next_working_day(calendar.local(NOW).date())
    reference = stack.sample_cases["garden"]

    weekend = day + timedelta(days=(5 - day.weekday()) % 7)
    refused = admin.submit("/calendar/close", {**_date_fields(weekend), "reason": "Training"})
    assert refused.status == 400
    assert 'href="#day"' in refused.body

    # First the check: which cases the day moves, their dates now and after; nothing changes.
    timeline_before = bundle.store.timeline(reference)
    check = admin.submit("/calendar/close", {**_date_fields(day), "reason": "Staff training"})
    assert check.status == 200
    assert f"Check before you close the council on {long_date(day)}" in check.body
    moving = re.search(r"(\d+) open cases? moves?", check.body)
    assert moving and int(moving.group(1)) >= 1
    assert f"<strong>{reference}</strong>" in check.body
    assert "Due now" in check.body and "Due after closing" in check.body
    assert not any(c.day == day for c in bundle.directory_store.closure_days())
    assert bundle.store.timeline(reference) == timeline_before

    answer = admin.submit(
        "/calendar/close", {**_date_fields(day), "reason": "Staff training", "confirm": "yes"}
    )
    assert answer.status == 303
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(answer.location).query))
    assert query["done"] == "closed"
    assert int(query["moved"]) >= 1
    page = admin.follow(answer.location)
    assert "re-timed" in page.body
    assert f"<li>{reference}</li>" in page.body
    assert any(c.day == day for c in bundle.directory_store.closure_days())
    assert any(e.kind == "retimed" for e in bundle.store.timeline(reference)), [
        e.kind for e in bundle.store.timeline(reference)
    ]

    opened = admin.submit(f"/calendar/{day.isoformat()}/open", {})
    assert opened.status == 303
    assert "done=opened" in opened.location
    assert not any(c.day == day for c in bundle.directory_store.closure_days())
    assert admin.get(f"/calendar/{day.isoformat()}/open").status == 404


# -- staff accounts -----------------------------------------------------------------------------


def test_an_administrator_invites_someone_changes_their_roles_and_disables_them(stack, browsers):
    admin = browsers["administrator"]
    cognito = stack.services.client("cognito-idp")
    pool = stack.staff_pool.user_pool_id

    no_role = admin.submit(
        "/users/invite", {"email": "ravi.evans@nwleicestershire.gov.uk", "officer": ""}
    )
    assert no_role.status == 400
    assert 'href="#groups"' in no_role.body
    not_officer = admin.post(
        "/users/invite",
        {
            "csrf_token": admin.csrf("/users/invite"),
            "email": "ravi.evans@nwleicestershire.gov.uk",
            "officer": "",
            "groups": "officer",
        },
    )
    assert not_officer.status == 400
    assert 'href="#officer"' in not_officer.body

    invited = admin.post(
        "/users/invite",
        {
            "csrf_token": admin.csrf("/users/invite"),
            "email": "ravi.evans@nwleicestershire.gov.uk",
            "officer": "housing-officer",
            "groups": "officer",
        },
    )
    assert invited.status == 303
    user = cognito.admin_get_user(UserPoolId=pool, Username="ravi.evans@nwleicestershire.gov.uk")
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["custom:officer_id"] == "housing-officer"
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    username = user["Username"]
    listing = admin.get("/users")
    assert "ravi.evans@nwleicestershire.gov.uk" in listing.body
    assert "Invited: not signed in yet" in listing.body

    # Two roles at once: checkboxes of one name.
    token = admin.csrf(f"/users/{username}/groups")
    regrouped = admin.post_pairs(
        f"/users/{username}/groups",
        [("csrf_token", token), ("groups", "officer"), ("groups", "head_of_service")],
    )
    assert regrouped.status == 303
    groups = cognito.admin_list_groups_for_user(UserPoolId=pool, Username=username)["Groups"]
    assert {g["GroupName"] for g in groups} == {"officer", "head_of_service"}

    disabled = admin.submit(f"/users/{username}/disable", {})
    assert disabled.status == 303
    assert cognito.admin_get_user(UserPoolId=pool, Username=username)["Enabled"] is False


def test_an_administrator_cannot_disable_their_own_account(stack, browsers):
    admin = browsers["administrator"]
    cognito = stack.services.client("cognito-idp")
    me = cognito.admin_get_user(
        UserPoolId=stack.staff_pool.user_pool_id, Username=EMAILS["administrator"]
    )["Username"]
    answer = admin.submit(f"/users/{me}/disable", {})
    assert answer.status == 400
    assert "your own account" in answer.body
    removed = admin.submit(f"/users/{me}/groups", {"groups": "officer"})
    assert removed.status == 400
    assert "your own roles" in removed.body


# -- sessions that end, and roles nobody grants themselves ---------------------------------------


def _someone(stack: LocalStack, email: str, role: StaffRole, officer_id: str) -> str:
    """A staff account of its own for a test that ends its sessions (the shared ones stay)."""
    cognito = stack.services.client("cognito-idp")
    pool = stack.staff_pool
    add_staff_user(
        cognito, pool, email=email, role=role, officer_id=officer_id, password=local_password()
    )
    return str(cognito.admin_get_user(UserPoolId=pool.user_pool_id, Username=email)["Username"])


def _signed_in(stack: LocalStack, email: str) -> Browser:
    browser = Browser(stack.workspace)
    assert browser.sign_in(email).status == 303
    return browser


def _copy_of(stack: LocalStack, browser: Browser) -> Browser:
    """Another browser holding the same cookies, as one that copied them would."""
    copy = Browser(stack.workspace)
    for cookie in browser.jar:
        copy.jar.set_cookie(cookie)
    return copy


def _notes(stack: LocalStack, reference: str) -> int:
    return len(stack.services.store.timeline(reference))


def _reads_and_writes_nothing(stack: LocalStack, browser: Browser, reference: str, token: str):
    before = _notes(stack, reference)
    read = browser.get(f"/cases/{reference}")
    assert read.status == 303, read.status
    assert "/sign-in" in read.location
    assert "Margaret Hill" not in read.body
    wrote = browser.post(f"/cases/{reference}/note", {"csrf_token": token, "text": "Still here"})
    assert wrote.status == 303, wrote.status
    assert "/sign-in" in wrote.location
    assert _notes(stack, reference) == before


def test_a_copy_of_the_cookie_reads_and_writes_nothing_once_signed_out(stack):
    reference = stack.sample_cases["bins"]
    officer = _signed_in(stack, EMAILS["officer"])
    token = officer.csrf(f"/cases/{reference}/note")
    copy = _copy_of(stack, officer)
    assert "Margaret Hill" in copy.get(f"/cases/{reference}").body  # the same session, so far

    assert officer.post("/sign-out", {"csrf_token": officer.csrf("/account")}).status == 303
    _reads_and_writes_nothing(stack, copy, reference, token)


def test_disabling_an_account_ends_its_open_sessions_at_once(stack, browsers):
    reference = stack.sample_cases["bins"]
    email = "leaving.officer@nwleicestershire.gov.uk"
    username = _someone(stack, email, StaffRole.OFFICER, "waste-officer")
    leaving = _signed_in(stack, email)
    token = leaving.csrf(f"/cases/{reference}/note")

    assert browsers["administrator"].submit(f"/users/{username}/disable", {}).status == 303
    _reads_and_writes_nothing(stack, leaving, reference, token)


def test_a_role_taken_away_ends_the_session_and_the_next_has_only_the_roles_now(stack, browsers):
    complaint, housing = stack.sample_cases["bins"], stack.sample_cases["damp"]
    email = "moving.officer@nwleicestershire.gov.uk"
    username = _someone(stack, email, StaffRole.CORPORATE_COMPLAINTS_OFFICER, "housing-officer")
    moving = _signed_in(stack, email)
    token = moving.csrf(f"/cases/{complaint}/note")
    assert moving.get(f"/cases/{complaint}").status == 200

    admin = browsers["administrator"]
    changed = admin.post_pairs(
        f"/users/{username}/groups",
        [("csrf_token", admin.csrf(f"/users/{username}/groups")), ("groups", "officer")],
    )
    assert changed.status == 303
    _reads_and_writes_nothing(stack, moving, complaint, token)

    assert moving.sign_in(email).status == 303
    assert moving.get(f"/cases/{complaint}").status == 403  # no longer every complaint
    assert moving.get(f"/cases/{housing}").status == 200  # their own department's


def test_an_administrator_gives_no_casework_role_to_themselves_or_another(stack, browsers):
    admin = browsers["administrator"]
    cognito = stack.services.client("cognito-idp")
    pool = stack.staff_pool.user_pool_id
    me = cognito.admin_get_user(UserPoolId=pool, Username=EMAILS["administrator"])["Username"]
    other = _someone(
        stack, "second.administrator@nwleicestershire.gov.uk", StaffRole.ADMINISTRATOR, "it-admin"
    )

    def groups_of(username: str) -> set[str]:
        found = cognito.admin_list_groups_for_user(UserPoolId=pool, Username=username)
        return {g["GroupName"] for g in found["Groups"]}

    for username, wanted, why in (
        (me, ["administrator", "corporate_complaints_officer"], "your own roles"),
        (other, ["administrator", "corporate_complaints_officer"], "two accounts"),
        (other, ["chief_executive"], "an administrator&#39;s account"),
    ):
        token = admin.csrf(f"/users/{username}/groups")
        refused = admin.post_pairs(
            f"/users/{username}/groups",
            [("csrf_token", token), *(("groups", g) for g in wanted)],
        )
        assert refused.status == 400, (username, wanted)
        assert why in refused.body
        assert groups_of(username) == {"administrator"}

    # Signed in again, the administrator still reads no complaint.
    again = _signed_in(stack, EMAILS["administrator"])
    assert again.get(f"/cases/{stack.sample_cases['bins']}").status == 403


def test_an_administrator_signs_someone_out_everywhere_and_reads_it_on_the_trail(stack, browsers):
    reference = stack.sample_cases["bins"]
    email = "shared.desk@nwleicestershire.gov.uk"
    username = _someone(stack, email, StaffRole.OFFICER, "waste-officer")
    desk, laptop = _signed_in(stack, email), _signed_in(stack, email)
    tokens = [b.csrf(f"/cases/{reference}/note") for b in (desk, laptop)]

    admin = browsers["administrator"]
    page = admin.get(f"/users/{username}/sign-out")
    assert page.status == 200
    assert "Sign them out everywhere" in page.body
    done = admin.submit(f"/users/{username}/sign-out", {})
    assert done.status == 303
    assert "done=signed-out" in done.location
    for browser, token in zip((desk, laptop), tokens, strict=True):
        _reads_and_writes_nothing(stack, browser, reference, token)
    # The account is as it was: they sign in again.
    assert desk.sign_in(email).status == 303
    assert desk.get(f"/cases/{reference}").status == 200

    trail = admin.get("/users/changes")
    assert trail.status == 200
    row = next(r for r in trail.body.split("<tr") if email in r and "Signed out everywhere" in r)
    assert EMAILS["administrator"] in row  # by whom
    assert browsers["officer"].get("/users/changes").status == 403
