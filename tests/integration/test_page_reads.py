"""What each page reads from DynamoDB does not grow with the archive: the staff pages, the
residents' list and Open311's `requests`, each asked the same question over a small archive
(400 open cases) and a larger one (1,000, and closed cases), through its function's handler on
embedded AWS, with the items DynamoDB returns or examines counted at the wire
(sla_monitor_local.wire_reads).

The cases are `sla-monitor seed`'s, spread over departments and officers, every seventh a
complaint, a few closed, and closed complaints apart for the Closed view. The larger archive
adds cases received at the same time (and closed earlier), so what each page shows is the same
at both sizes: a page of the work list or the Closed view, a page of a search, one case, one
resident's cases, and Open311's window and the monthly report over an earlier month. Each page
is asked once before it is counted, so what a container keeps between requests (the directory,
the keys) is not counted. `make bench` runs this module again at 1,000 and 50,000 open cases
(`PAGE_READS_SIZES=1000,50000`) and prints each page's reads and time at both; it also counts the
work list's views and the searches against the old way (benchmarks/work_list_reads.py).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from importlib import resources
from itertools import islice
from typing import Any
from unittest import mock

import pytest
from sla_monitor_local.embedded import embedded_aws
from sla_monitor_local.local_server import PUBLIC_FORM_BASE_PATH, LocalLambdaContext, proxy_event
from sla_monitor_local.local_staff import (
    StaffPool,
    add_sample_users,
    create_staff_pool,
    local_password,
)
from sla_monitor_local.seeding import resident_name, synthetic_cases
from sla_monitor_local.wire_reads import Reads, counting_reads

from integration.test_your_cases_http import Resident
from sla_monitor.cases import Case, CaseStatus, CaseType, LettersTo, Outcome
from sla_monitor.listing import Schedule
from sla_monitor.runtime import Services
from sla_monitor.staff import record_response
from sla_monitor.staff.duplicates import link_cases, merge_case
from sla_monitor.staff.representatives import RepresentativeDetails, record_representative
from sla_monitor.store.ports import SavedView
from sla_monitor.store.schema import DUE_SHARDS
from sla_monitor.web.staff.session import SESSION_COOKIE
from sla_monitor.work_list_reading import PAGE_SIZE

from .staff_support import EMAILS

pytestmark = pytest.mark.slow(seconds=25)

# The small archive is large enough that every shelf a page reads holds a page of cases on each
# of its shards; from there, a page's reads should not grow.
# `make bench` sets PAGE_READS_SIZES to a real council's sizes.
SMALL, LARGE = (int(size) for size in os.environ.get("PAGE_READS_SIZES", "400,1000").split(","))
NOW = datetime.now(UTC).replace(microsecond=0)  # the pool's tokens are issued at the clock's time
EARLIER = NOW - timedelta(days=45)  # a month the larger archive adds nothing to
DEPARTMENTS = ("housing", "waste-services", "planning", "revenues-benefits", None)
OFFICERS = ("housing-officer", "waste-officer", "revenues-officer", None, None)
CLOSED = (8, 49, 91)  # references of a few cases closed, a complaint (the 8th) among them
# The work list's first page: its cases, a page of shelf entries (and one more, to know there
# is a next page) from each shard of the shelves it reads, the counters, the session, and the
# officer's saved views (two here).
COUNTERS = 20
SAVED_VIEWS = 2
# The resident whose case, name and address the searches and the case page ask for: the 43rd
# seeded case, a complaint of the small archive.
NAMED = 42
NAME = resident_name(NAMED)
# Complaints of the small archive (every seventh seeded case): one with a representative, a
# related case linked to it and a duplicate merged into it.
JOINED = (71, 78, 85)
FIRST_PAGE_READS = PAGE_SIZE + (PAGE_SIZE + 1) * DUE_SHARDS + COUNTERS + 1 + SAVED_VIEWS


def _spread(
    bundle: Services, count: int, *, now: datetime, first: int
) -> Iterator[tuple[Case, Schedule]]:
    """Seeded cases numbered from `first`, with references as the council gives them."""
    made = synthetic_cases(
        first + count,
        due=0,
        now=now,
        policy=bundle.policy,
        calendar=bundle.calendar,
        reference_prefix=bundle.council.reference_prefix,
    )
    for number, (case, schedule) in enumerate(islice(made, first, None), start=first):
        department = DEPARTMENTS[number % len(DEPARTMENTS)]
        yield (
            replace(
                case,
                reference=f"{bundle.council.reference_prefix}-{now.year}-{number + 1:06d}",
                department=department,
                assigned_officer=OFFICERS[number % len(OFFICERS)] if department else None,
                case_type=CaseType.COMPLAINT if number % 7 == 0 else case.case_type,
            ),
            schedule,
        )


def _load(bundle: Services, count: int, *, first: int, now: datetime = NOW) -> None:
    bundle.store.bulk_load(_spread(bundle, count, now=now, first=first))


# Closed complaints of the waste services, numbered apart from the open cases: more than a page
# on each shard, closed lately, in the small archive; a quarter as many as the open cases it
# adds, each closed a day before, in the larger one (the Closed view's first page is the same).
CLOSED_FIRST = SMALL + LARGE + 100
CLOSED_LATELY = 3 * PAGE_SIZE


def _load_closed(bundle: Services, count: int, *, first: int, closed_before: datetime) -> None:
    def closed() -> Iterator[tuple[Case, Schedule]]:
        for number, (case, _) in enumerate(_spread(bundle, count, now=NOW, first=first)):
            yield (
                replace(
                    case,
                    case_type=CaseType.COMPLAINT,
                    department="waste-services",
                    assigned_officer="waste-officer",
                    customer=replace(case.customer, name="Closed Case Resident"),
                    status=CaseStatus.CLOSED,
                    closed_at=closed_before - timedelta(seconds=number + 1),
                ),
                Schedule(None),
            )

    bundle.store.bulk_load(closed())


# Unassigned complaints of the housing department, numbered apart: with the seed's own, more
# than a page on each shard of the unassigned complaints' shelves in the small archive (the
# Corporate Complaints Officer's Unassigned view), so a page reads as much at both sizes.
UNASSIGNED_FIRST = 3 * (SMALL + LARGE) + 200
UNASSIGNED_APART = 3 * PAGE_SIZE


def _load_unassigned_complaints(bundle: Services, count: int, *, first: int) -> None:
    def unassigned() -> Iterator[tuple[Case, Schedule]]:
        for case, schedule in _spread(bundle, count, now=NOW, first=first):
            yield (
                replace(
                    case,
                    case_type=CaseType.COMPLAINT,
                    department="housing",
                    assigned_officer=None,
                    customer=replace(case.customer, name="Unassigned Complaint Resident"),
                ),
                schedule,
            )

    bundle.store.bulk_load(unassigned())


def _moto_signing_key(_: str) -> Callable[[str], Any]:
    """moto's Cognito signs every token with one key; in-process there is no JWKS address to
    fetch it from, so the workspace is given moto's published key as Cognito's would be."""
    from jwt.algorithms import RSAAlgorithm

    raw = resources.files("moto").joinpath("cognitoidp/resources/jwks-public.json.gz")
    published = json.loads(gzip.decompress(raw.read_bytes()))["keys"][0]
    key = RSAAlgorithm.from_jwk(json.dumps(published))
    return lambda token: key


@dataclass
class Staff:
    """One signed-in person, calling the workspace's handler as API Gateway would."""

    cookie: str

    def get(self, target: str) -> dict[str, Any]:
        from sla_monitor.web.staff.routes import handle

        event = proxy_event(
            method="GET",
            target=f"/staff{target}",
            headers=[("Cookie", f"{SESSION_COOKIE}={self.cookie}"), ("Host", "127.0.0.1")],
            body=b"",
            client_ip="127.0.0.1",
            received_at=NOW,
            base_path="/staff",
        )
        return handle(event, LocalLambdaContext(), now=NOW)


def _signed_in(bundle: Services, pool: StaffPool, role: str) -> Staff:
    """A session begun, as signing in begins it, from the id token moto's Cognito issues for
    the role's sample user."""
    from sla_monitor.web.staff.permissions import viewer_from_claims
    from sla_monitor.web.staff.routes.collaborators import (
        sessions,
        token_verifier,
        workspace_settings,
    )
    from sla_monitor.web.staff.routes.sign_in import open_session

    tokens = bundle.client("cognito-idp").initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": EMAILS[role], "PASSWORD": local_password()},
    )["AuthenticationResult"]
    claims = token_verifier(workspace_settings()).verify(tokens["IdToken"], use="id", now=NOW)
    session = open_session(viewer_from_claims(claims, bundle.directory), claims, now=NOW)
    assert session is not None
    return Staff(sessions().cookie_value(session, now=NOW))


def _open311(target: str) -> dict[str, Any]:
    from functions.open311 import app

    event = proxy_event(
        method="GET",
        target=f"{PUBLIC_FORM_BASE_PATH}{target}",
        headers=[("Host", "abcdef1234.execute-api.eu-west-2.amazonaws.com")],
        body=b"",
        client_ip="198.51.100.10",
        received_at=NOW,
        base_path=PUBLIC_FORM_BASE_PATH,
    )
    return app.handle(event, LocalLambdaContext(), now=NOW)


def _month(moment: datetime) -> str:
    return f"{moment.year}-{moment.month:02d}"


@dataclass(frozen=True)
class Page:
    name: str
    ask: Callable[[], dict[str, Any]]


def _staff(bundle: Services, pool: StaffPool) -> dict[str, Staff]:
    """The officer, the Corporate Complaints Officer and the administrator, signed in before
    the archive is loaded: their tokens are checked as issued by NOW (with 30 s to spare), and
    a large archive takes longer to load on a busy machine."""
    roles = ("officer", "corporate_complaints_officer", "administrator")
    return {role: _signed_in(bundle, pool, role) for role in roles}


def _pages(bundle: Services, staff: dict[str, Staff], resident: Resident) -> list[Page]:
    prefix = bundle.council.reference_prefix
    officer = staff["officer"]
    complaints = staff["corporate_complaints_officer"]
    administrator = staff["administrator"]
    number = NAMED
    complaint = f"{prefix}-{NOW.year}-{number + 1:06d}"
    their_case = f"{prefix}-{NOW.year}-{number:06d}"  # resident42@example.org's
    name = NAME.replace(" ", "%20")
    earlier_start = EARLIER.replace(day=1).date().isoformat()
    earlier_end = (EARLIER.replace(day=1) + timedelta(days=27)).date().isoformat()
    return [
        Page("work list: all my work", lambda: officer.get("/cases")),
        Page("work list: mine", lambda: officer.get("/cases?whose=mine")),
        Page("work list: breached", lambda: complaints.get("/cases?breached=yes")),
        Page("work list: complaints", lambda: complaints.get("/cases?type=complaint")),
        Page(
            "work list: unassigned complaints",
            lambda: complaints.get("/cases?whose=unassigned"),
        ),
        Page("work list: closed", lambda: officer.get("/cases/closed")),
        Page("work list: closed complaints", lambda: complaints.get("/cases/closed")),
        Page("search by reference", lambda: complaints.get(f"/cases?q={complaint}")),
        Page("search by name", lambda: complaints.get(f"/cases?q={name}")),
        Page(
            "search by email",
            lambda: complaints.get(f"/cases?q=resident{number + 1}%40example.org"),
        ),
        Page("search page by name", lambda: complaints.get(f"/search?q={name}")),
        Page(
            "search page by email",
            lambda: complaints.get(f"/search?q=resident{number + 1}%40example.org"),
        ),
        Page("case page", lambda: complaints.get(f"/cases/{complaint}")),
        Page(
            "case page, joined",
            lambda: complaints.get(f"/cases/{_reference(bundle, JOINED[0])}"),
        ),
        Page("triage list", lambda: complaints.get("/triage")),
        Page("directory", lambda: administrator.get("/directory")),
        Page("reply templates", lambda: administrator.get("/reply-templates")),
        Page(
            "reply from a template",
            lambda: complaints.get(f"/cases/{complaint}/reply?template=answer-to-an-enquiry"),
        ),
        Page("monthly report", lambda: complaints.get(f"/reports?month={_month(EARLIER)}")),
        Page("residents' case list", lambda: resident.get("/your-cases")),
        Page("residents' case page", lambda: resident.get(f"/your-cases/{their_case}")),
        Page(
            "Open311 requests",
            lambda: _open311(
                f"/open311/v2/requests.json?start_date={earlier_start}&end_date={earlier_end}"
            ),
        ),
    ]


def _count(reads: Reads, page: Page) -> tuple[dict[str, int], str, float]:
    page.ask()  # once uncounted: what the container keeps between requests is not counted
    reads.clear()
    started = time.perf_counter()
    answer = page.ask()
    seconds = time.perf_counter() - started
    assert answer["statusCode"] == 200, (page.name, answer["statusCode"], answer["body"][:300])
    return dict(reads.items), answer["body"], seconds


@dataclass(frozen=True)
class Measured:
    small_reads: dict[str, int]  # items read, by the operation that read them
    large_reads: dict[str, int]
    small_body: str = field(repr=False)
    large_body: str = field(repr=False)
    small_seconds: float = 0.0
    large_seconds: float = 0.0

    @property
    def small(self) -> int:
        return sum(self.small_reads.values())

    @property
    def large(self) -> int:
        return sum(self.large_reads.values())


@pytest.fixture(scope="module")
def measured() -> Iterator[dict[str, Measured]]:
    from sla_monitor.web.staff.routes import collaborators, reset_collaborators

    # The pool's tokens are issued at the clock's time: the pages are asked at the time this
    # runs, not when the module was collected (minutes earlier in a whole run of the suite).
    global NOW
    NOW = datetime.now(UTC).replace(microsecond=0)

    with embedded_aws() as bundle:
        pool = create_staff_pool(bundle.client("cognito-idp"))
        add_sample_users(bundle.client("cognito-idp"), pool)
        public = "https://council.example/have-your-say/your-cases"
        bundle.council = bundle.council.model_copy(update={"your_cases_url": public})
        environment = {"STAFF_USER_POOL_ID": pool.user_pool_id, "STAFF_CLIENT_ID": pool.client_id}
        with (
            mock.patch.dict("os.environ", environment),
            mock.patch.object(collaborators, "jwks_signing_key", _moto_signing_key),
        ):
            reset_collaborators()
            try:
                yield _measure(bundle, pool, public)
            finally:
                reset_collaborators()


def _measure(bundle: Services, pool: StaffPool, public: str) -> dict[str, Measured]:
    staff = _staff(bundle, pool)
    # An earlier month's cases (the report's and Open311's window), then the small archive.
    _load(bundle, 30, first=SMALL + LARGE, now=EARLIER)
    _load(bundle, SMALL, first=0)
    _load_unassigned_complaints(bundle, UNASSIGNED_APART, first=UNASSIGNED_FIRST)
    for number in CLOSED:
        record_response(
            f"{bundle.council.reference_prefix}-{NOW.year}-{number:06d}",
            summary="Answered",
            outcome=Outcome.NOT_UPHELD if number == 8 else Outcome.ANSWERED,
            by="head-housing",
            store=bundle.store,
            policy=bundle.policy,
            calendar=bundle.calendar,
            now=NOW - timedelta(minutes=30),
        )
    for name, query in (
        ("Mine by phone", "whose=mine&channel=telephone"),
        ("Late", "breached=yes"),
    ):
        bundle.store.save_view(SavedView("waste-officer", name, query, NOW))
    _join_cases(bundle)
    resident = _resident("resident42@example.org", public)
    pages = _pages(bundle, staff, resident)
    _load_closed(bundle, CLOSED_LATELY, first=CLOSED_FIRST, closed_before=NOW)
    with counting_reads() as reads:
        small = {page.name: _count(reads, page) for page in pages}
        _load(bundle, LARGE - SMALL, first=SMALL)
        _load_closed(
            bundle,
            (LARGE - SMALL) // 4,
            first=CLOSED_FIRST + CLOSED_LATELY,
            closed_before=NOW - timedelta(days=1),
        )
        large = {page.name: _count(reads, page) for page in pages}
    measured = {
        name: Measured(
            small_reads=small[name][0],
            large_reads=large[name][0],
            small_body=small[name][1],
            large_body=large[name][1],
            small_seconds=small[name][2],
            large_seconds=large[name][2],
        )
        for name in small
    }
    if "PAGE_READS_SIZES" in os.environ:
        _print_table(measured)
    return measured


def _join_cases(bundle: Services) -> None:
    """A complaint with someone acting for its customer, a related case linked to it and a
    duplicate merged into it: its page reads the two other cases and the duplicate's
    timeline besides its own."""
    original, linked, duplicate = (_reference(bundle, n) for n in JOINED)
    world = {
        "by": "complaints-officer",
        "store": bundle.store,
        "policy": bundle.policy,
        "calendar": bundle.calendar,
        "now": NOW - timedelta(minutes=20),
    }
    record_representative(
        original,
        RepresentativeDetails(
            name="Priya Shah", relationship="daughter", email="priya.shah@example.org",
            consent_how="in writing", consent_given_on=EARLIER.date(),
            letters_to=LettersTo.BOTH,
        ),
        **world,
    )  # fmt: skip
    link_cases(original, linked, **world)
    merge_case(duplicate, original, different_customer_confirmed=True, **world)


def _reference(bundle: Services, number: int) -> str:
    return f"{bundle.council.reference_prefix}-{NOW.year}-{number:06d}"


def _print_table(measured: dict[str, Measured]) -> None:
    """The benchmark's table: each page's items read and time at both sizes."""
    print(f"\nEach page's items read at the wire and its time, over {SMALL:,} and {LARGE:,} cases:")
    print(f"{'page':30} {'items':>8} {'time':>8} {'items':>8} {'time':>8}")
    for name, found in measured.items():
        print(
            f"{name:30} {found.small:>8} {found.small_seconds:>7.2f}s"
            f" {found.large:>8} {found.large_seconds:>7.2f}s"
        )


def _resident(address: str, public: str) -> Resident:
    from integration.test_your_cases_http import links_in

    resident = Resident()
    resident.now = NOW
    resident.ask_for_link(address)
    [link] = [found for found in links_in(address) if found.startswith(public)]
    resident.sign_in_with(link)
    return resident


PAGES = [
    "work list: all my work",
    "work list: mine",
    "work list: breached",
    "work list: complaints",
    "work list: unassigned complaints",
    "work list: closed",
    "work list: closed complaints",
    "search by reference",
    "search by name",
    "search by email",
    "search page by name",
    "search page by email",
    "case page",
    "case page, joined",
    "triage list",
    "directory",
    "reply templates",
    "reply from a template",
    "monthly report",
    "residents' case list",
    "residents' case page",
    "Open311 requests",
]


def _cases_named(name: str, size: int) -> int:
    """How many of an archive's seeded cases (its first `size`, and the earlier month's) have
    the resident's name: the seed gives each name to one case in 2,500, so names repeat past
    that many cases."""
    earlier = range(SMALL + LARGE, SMALL + LARGE + 30)
    return sum(1 for number in (*range(size), *earlier) if resident_name(number) == name)


@pytest.mark.parametrize("page", PAGES)
def test_a_page_reads_no_more_from_a_larger_archive(measured, page):
    found = measured[page]
    by_name = page in ("search by name", "search page by name")
    if by_name and _cases_named(NAME, LARGE) > _cases_named(NAME, SMALL):
        # A larger archive with more cases of that name: two items more a case of the name
        # more (its entry and the case), however many cases there are in all.
        more = _cases_named(NAME, LARGE) - _cases_named(NAME, SMALL)
        assert found.large <= found.small + 2 * more, (found.small_reads, found.large_reads)
        return
    assert found.large <= found.small, (
        f"{page}: {found.small_reads} items read, then {found.large_reads}"
    )


@pytest.mark.parametrize("page", [p for p in PAGES if str(p).startswith("work list")])
def test_the_work_lists_first_page_reads_about_what_it_shows(measured, page):
    found = measured[page]
    shown = len(set(re.findall(r"NWL-\d{4}-\d{6}", found.large_body)))
    assert shown <= PAGE_SIZE
    assert found.large <= FIRST_PAGE_READS, (page, found.large_reads)


@pytest.mark.parametrize("page", ["reply templates", "reply from a template"])
def test_a_reply_template_page_reads_its_few_items(measured, page):
    found = measured[page]
    assert "Answer to an enquiry" in found.large_body
    # The session, the case (and its timeline) for a reply, and the starting set's 4 templates.
    assert found.large <= 12, found.large_reads


def test_each_page_shows_the_same_at_both_sizes(measured):
    """So that the counts compare like with like (and each page found what it was asked)."""
    pages = [
        "search by reference",
        "search by name",
        "search by email",
        "search page by name",
        "search page by email",
        "work list: closed",
        "work list: closed complaints",
        "case page",
        "residents' case page",
    ]
    for page in pages:
        small, large = (
            set(re.findall(r"NWL-\d{4}-\d{6}", body))
            for body in (measured[page].small_body, measured[page].large_body)
        )
        if "by name" in page:  # the larger archive may hold more cases of the name
            assert small and small <= large, (page, small, large)
        else:
            assert small and small == large, (page, small, large)


def test_a_joined_case_s_page_reads_the_cases_it_names_and_the_duplicate_s_timeline(measured):
    """Beyond a case page's own reads: the linked case and the duplicate (one batch), and the
    duplicate's timeline (a few events), however large the archive."""
    joined, plain = measured["case page, joined"], measured["case page"]
    body = joined.large_body
    assert "Priya Shah" in body and "Duplicates merged into this case" in body
    assert joined.large <= plain.large + 2 + 20, (joined.large_reads, plain.large_reads)
