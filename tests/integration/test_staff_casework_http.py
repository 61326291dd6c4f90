"""The case steps of the staff workspace over HTTP, through the real handler against moto: log a
case that came by phone or letter, write to the customer, reclassify, start stage 2, record a
hand-sent acknowledgement, download an attachment. Each step goes through its use case, what it
owes the customer is sent at once through SES, and the use case's refusals come back beside the
field they concern with the answers kept."""

from __future__ import annotations

import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from sla_monitor_local.local_stack import LocalStack

from sla_monitor.calendar import LONDON
from sla_monitor.cases import Channel, TimelineEvent
from sla_monitor.engine import evaluate
from sla_monitor.intake import Attachment, CustomerReply
from sla_monitor.listing import Schedule
from sla_monitor.promised_dates import paused_working_days
from sla_monitor.replies import record_customer_reply
from sla_monitor.staff import resume_clocks, wait_for_customer

from .staff_support import Answer, Browser

NOW = datetime.now(UTC)


def _received_fields(at: datetime) -> dict[str, str]:
    local = at.astimezone(LONDON)
    return {
        "received-day": str(local.day),
        "received-month": str(local.month),
        "received-year": str(local.year),
        "received_time": f"{local:%H:%M}",
    }


def _log(browser: Browser, **fields: str) -> Answer:
    answers = {
        "channel": "telephone",
        "case_type": "complaint",
        "name": "Ann Example",
        "email": "ann.example@example.org",
        "summary": "Nobody came to fix the streetlight",
        "details": "Reported twice, still dark.",
        "department": "waste-services",
        "contact_method": "email",
        "language": "en",
        **_received_fields(NOW - timedelta(minutes=5)),
        **fields,
    }
    return browser.submit("/cases/new", answers)


def _reference(location: str) -> str:
    return urllib.parse.urlsplit(location).path.rsplit("/", 1)[-1]


def _kinds(stack: LocalStack, reference: str) -> list[str]:
    return [e.kind for e in stack.services.store.timeline(reference)]


# -- logging a case ---------------------------------------------------------------------------


def test_a_logged_complaint_needs_contact_details_and_says_so_beside_them(stack, browsers):
    answer = _log(browsers["officer"], email="", summary="A complaint with no way to reply")
    assert answer.status == 400
    assert 'href="#email"' in answer.body  # the error summary points at the contact details
    assert "needs the customer&#39;s contact details" in answer.body
    assert 'value="A complaint with no way to reply"' in answer.body  # the answers are kept
    assert "A complaint with no way to reply" not in {
        c.subject for c in stack.services.store.open_cases()
    }


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"email": "ann..example@mail-server.local"},
            "email",
            "Enter an email address in the correct format, like name@example.com",
        ),
        (
            {"contact_method": "phone", "phone": "after six"},
            "phone",
            "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
        ),
        (
            {"contact_method": "letter"},
            "address",
            "Enter the customer&#39;s postal address, or choose another way to contact them",
        ),
    ],
)
def test_contact_details_that_cannot_be_used_are_refused_beside_the_field(
    stack, browsers, fields, field, message
):
    summary = f"Unusable contact details ({field})"
    answer = _log(browsers["officer"], summary=summary, **fields)
    assert answer.status == 400
    assert f'href="#{field}"' in answer.body
    assert message in answer.body
    assert f'value="{summary}"' in answer.body  # the answers are kept
    assert summary not in {c.subject for c in stack.services.store.open_cases()}


def test_every_contact_detail_to_correct_is_shown_at_once(browsers):
    answer = _log(
        browsers["officer"], email="ann@", phone="12345", contact_method="letter", address=""
    )
    assert answer.status == 400
    for field in ("email", "phone", "address"):
        assert f'href="#{field}"' in answer.body


def test_a_case_received_in_the_future_is_refused_beside_the_date(browsers):
    answer = _log(browsers["officer"], **_received_fields(NOW + timedelta(days=2)))
    assert answer.status == 400
    assert 'href="#received"' in answer.body


def test_a_logged_case_is_acknowledged_at_once_and_opens_on_its_page(stack, browsers):
    answer = _log(browsers["officer"])
    assert answer.status == 303
    assert "?done=logged" in answer.location
    reference = _reference(answer.location.split("?")[0])
    case = stack.services.store.get_case(reference)
    assert case.channel is Channel.TELEPHONE
    assert case.received_at < NOW
    page = browsers["officer"].follow(answer.location)
    assert "The case has been logged" in page.body
    sent = [e for e in stack.services.store.timeline(reference) if e.kind == "message_sent"]
    assert sent, _kinds(stack, reference)  # the acknowledgement went through SES at once


def test_logging_the_same_form_twice_makes_one_case(stack, browsers):
    browser = browsers["officer"]
    page = browser.get("/cases/new")
    submission = page.body.split('name="submission" value="', 1)[1].split('"', 1)[0]
    token = browser.csrf("/cases/new")
    answers = {
        "csrf_token": token,
        "submission": submission,
        "channel": "letter",
        "case_type": "enquiry",
        "name": "Bea Twice",
        "summary": "Sent once, clicked twice",
        "contact_method": "letter",
        "language": "en",
        "address": "1 High Street",
        **_received_fields(NOW - timedelta(hours=1)),
    }
    first = browser.post("/cases/new", answers)
    second = browser.post("/cases/new", answers)
    assert first.status == second.status == 303
    assert _reference(first.location.split("?")[0]) == _reference(second.location.split("?")[0])


def test_an_officer_logging_for_another_department_is_told_where_it_went(stack, browsers):
    answer = _log(browsers["officer"], department="housing", summary="Damp in the hallway")
    assert answer.status == 303
    assert answer.location.startswith("/staff/cases/new?logged=NWL-")
    page = browsers["officer"].follow(answer.location)
    assert "It is not in your work list" in page.body


def test_an_enquiry_taken_at_a_visit_shows_its_five_day_answer_clock(stack, browsers):
    answer = _log(
        browsers["officer"],
        channel="visit",
        case_type="enquiry",
        email="",
        phone="01530 454545",
        contact_method="phone",
        summary="Asked at reception when the garden waste round is",
    )
    assert answer.status == 303
    page = browsers["officer"].follow(answer.location)
    clocks = page.body.split('id="clocks"', 1)[1].split("The case", 1)[0]
    assert "Respond to enquiry" in clocks
    assert "No promise applies to this case" not in page.body
    case = stack.services.store.get_case(_reference(answer.location.split("?")[0]))
    assert (case.channel, case.preferences.contact_method.value) == (Channel.VISIT, "phone")


def test_preferences_are_shown_at_the_top_of_the_case(stack, browsers):
    answer = _log(
        browsers["officer"],
        language="cy",
        accessible_format="large_print",
        interpreter="yes",
        summary="Missed collection, Welsh speaker",
    )
    page = browsers["officer"].follow(answer.location)
    top = page.body.split('id="clocks"', 1)[0]
    assert "Write in Welsh" in top
    assert "Send what you write in large print" in top
    assert "Arrange an interpreter" in top


# -- the steps on a case ----------------------------------------------------------------------


def test_an_officer_writes_to_the_customer_and_the_words_are_on_the_timeline(stack, browsers):
    reference = stack.sample_cases["garden"]
    words = "The crew will come back on Thursday morning.\nSorry for the wait."
    answer = browsers["officer"].submit(
        f"/cases/{reference}/reply", {"text": words, "confirm": "yes"}
    )
    assert answer.status == 303
    assert answer.location.endswith("?done=reply")
    page = browsers["officer"].follow(answer.location)
    assert "The crew will come back on Thursday morning." in page.body
    events = stack.services.store.timeline(reference)
    written = next(e for e in events if e.kind == "officer_message")
    assert written.details["text"] == words
    assert any(
        e.kind == "message_sent" and e.details.get("action") == "officer_message" for e in events
    )


def test_the_working_days_waited_on_the_customer_show_once_the_pause_ends(stack, browsers):
    bundle = stack.services
    reference = stack.sample_cases["bulky"]
    casework = {"store": bundle.store, "policy": bundle.policy, "calendar": bundle.calendar}
    wait_for_customer(
        reference,
        reason="their address",
        by="waste-officer",
        now=NOW - timedelta(days=7),
        **casework,
    )
    page = browsers["officer"].get(f"/cases/{reference}")
    assert "Time waiting on the customer" not in page.body  # still waiting: none counted yet
    resumed = resume_clocks(reference, by="waste-officer", now=NOW, **casework)
    waited = paused_working_days(
        resumed, evaluate(resumed, bundle.policy, bundle.calendar, NOW).clocks
    )
    assert waited >= 4

    page = browsers["officer"].get(f"/cases/{reference}")
    assert f"{waited} working days in all: the dates moved on by them" in page.body


def test_reclassifying_needs_a_type_and_a_reason_then_retimes_the_case(stack, browsers):
    reference = stack.sample_cases["bulky"]
    refused = browsers["officer"].submit(f"/cases/{reference}/reclassify", {"reason": "x"})
    assert refused.status == 400
    assert 'href="#case_type"' in refused.body
    answer = browsers["officer"].submit(
        f"/cases/{reference}/reclassify",
        {"case_type": "service_request", "reason": "They are asking us to collect it"},
    )
    assert answer.status == 303
    assert stack.services.store.get_case(reference).case_type.value == "service_request"


def test_stage_2_refuses_the_stage_1_officer_beside_the_officer(stack, browsers):
    cco = browsers["corporate_complaints_officer"]
    logged = _log(cco, department="housing", summary="Rent account wrong for months")
    reference = _reference(logged.location.split("?")[0])
    answered = cco.submit(
        f"/cases/{reference}/respond",
        {"outcome": "upheld", "summary": "The account was corrected.", "confirm": "yes"},
    )
    assert answered.status == 303
    refused = cco.submit(
        f"/cases/{reference}/stage-2",
        {
            "reason": "The customer says it is still wrong",
            "channel": "telephone",
            "officer": "complaints-officer",  # who recorded the stage 1 response
        },
    )
    assert refused.status == 400
    assert 'href="#officer"' in refused.body
    assert "stage 2 needs a different officer" in refused.body
    assert "The customer says it is still wrong" in refused.body
    # Nobody was assigned at stage 1, so the Head of Service had it; the Corporate Complaints
    # Officer answered it: neither may review it, and the use case says to name someone.
    unnamed = cco.submit(
        f"/cases/{reference}/stage-2",
        {"reason": "The customer says it is still wrong", "channel": "telephone"},
    )
    assert unnamed.status == 400
    assert 'href="#officer"' in unnamed.body
    answer = cco.submit(
        f"/cases/{reference}/stage-2",
        {
            "reason": "The customer says it is still wrong",
            "channel": "telephone",
            "officer": "housing-officer",
        },
    )
    assert answer.status == 303
    case = stack.services.store.get_case(reference)
    assert case.stage == 2
    assert case.assigned_officer == "housing-officer"


def test_a_possible_stage_2_request_is_in_the_work_list_and_can_be_declined(stack, browsers):
    cco = browsers["corporate_complaints_officer"]
    logged = _log(cco, department="housing", summary="Repairs never booked")
    reference = _reference(logged.location.split("?")[0])
    assert (
        cco.submit(
            f"/cases/{reference}/respond",
            {
                "outcome": "not_upheld",
                "summary": "The repair was booked on time.",
                "confirm": "yes",
            },
        ).status
        == 303
    )
    services = stack.services
    record_customer_reply(
        CustomerReply(
            reference=reference,
            received_at=NOW,
            channel=Channel.EMAIL,
            summary="customer replied by email",
            body="I am not happy with this.",
        ),
        store=services.store,
        policy=services.policy,
        calendar=services.calendar,
        directory=services.directory,
        now=NOW,
    )

    listed = cco.get(f"/cases?q={reference}")
    assert reference in listed.body and "Possible stage 2 request" in listed.body
    page = cco.get(f"/cases/{reference}")
    assert 'id="possible-stage-2"' in page.body
    assert f"/cases/{reference}/decline-stage-2" in page.body

    empty = cco.submit(f"/cases/{reference}/decline-stage-2", {"reason": " "})
    assert empty.status == 400 and 'href="#reason"' in empty.body
    declined = cco.submit(
        f"/cases/{reference}/decline-stage-2",
        {"reason": "Your message was about your new bin, which is on its way."},
    )
    assert declined.status == 303
    case = services.store.get_case(reference)
    assert (case.is_open, case.possible_stage_2_at) == (False, None)
    assert "stage_2_declined" in _kinds(stack, reference)
    assert f"/cases/{reference}/decline-stage-2" not in cco.get(f"/cases/{reference}").body


def test_an_acknowledgement_sent_by_hand_is_recorded_once(stack, browsers):
    # A letter case for housing, logged by its Head of Service.
    head = browsers["head_of_service"]
    logged = _log(
        head,
        channel="letter",
        case_type="enquiry",
        department="housing",
        summary="Question about the housing register",
    )
    reference = _reference(logged.location.split("?")[0])
    case = stack.services.store.get_case(reference)
    if case.acknowledged_at is None:
        answer = head.submit(f"/cases/{reference}/acknowledged", {"how": "letter posted"})
        assert answer.status == 303
    # Not offered again, and refused with the reason however it is asked.
    assert "/acknowledged" not in head.get(f"/cases/{reference}").body
    token = head.csrf("/account")
    again = head.post(f"/cases/{reference}/acknowledged", {"csrf_token": token, "how": "phone"})
    assert again.status == 409
    assert "acknowledged already" in again.body


# -- the customer's replies ---------------------------------------------------------------------


def _timeline_item(body: str, summary: str) -> str:
    """The timeline entry of the page whose summary is `summary`, as HTML."""
    items = body.split('<div class="moj-timeline__item">')[1:]
    [item] = [i for i in items if summary in i]
    return item


def test_the_case_page_shows_every_word_of_an_emailed_reply_escaped(stack, browsers):
    bundle = stack.services
    reference = stack.sample_cases["bulky"]
    long_line = "The van never came, " * 150  # one long paragraph, kept whole
    words = f"<script>alert('x')</script> & more\n\nSecond paragraph.\n{long_line}"
    record_customer_reply(
        CustomerReply(
            reference=reference,
            received_at=datetime.now(UTC),
            channel=Channel.EMAIL,
            summary="customer replied by email (matched by reference)",
            body=words,
            sender="priya.shah@example.org",
        ),
        store=bundle.store,
        policy=bundle.policy,
        calendar=bundle.calendar,
        now=datetime.now(UTC),
    )

    page = browsers["officer"].get(f"/cases/{reference}")

    assert page.status == 200
    item = _timeline_item(page.body, "customer replied by email (matched by reference)")
    assert "<strong>Came by:</strong> Email" in item
    assert "<strong>From:</strong> priya.shah@example.org" in item
    written = (
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more\n\nSecond paragraph.\n"
        + long_line.replace("'", "&#39;")
    )
    assert f'class="govuk-body app-written"><strong>What they wrote:</strong> {written}' in item
    assert "<script>alert" not in page.body
    # In that order: how it came, who from, then the words.
    assert item.index("Came by:") < item.index("From:") < item.index("What they wrote:")


def test_the_case_page_shows_what_a_resident_sent_through_their_account(stack, browsers):
    from sla_monitor.residents import send_more_information
    from sla_monitor.store.ports import customer_key

    bundle = stack.services
    reference = stack.sample_cases["garden"]
    case = bundle.store.get_case(reference)
    send_more_information(
        reference,
        "The bin is at the front gate.\nIt is the green one.",
        resident=customer_key(case.customer.email),
        submission_id="f" * 32,
        store=bundle.store,
        policy=bundle.policy,
        calendar=bundle.calendar,
        now=datetime.now(UTC),
    )

    page = browsers["officer"].get(f"/cases/{reference}")

    item = _timeline_item(page.body, "sent more information through their online account")
    assert "<strong>Came by:</strong> Web" in item
    assert "The bin is at the front gate.\nIt is the green one." in item


# -- attachments --------------------------------------------------------------------------------


def _attach(stack: LocalStack, reference: str, name: str, content: bytes, **details: str) -> str:
    """What email intake does with an attachment: the file in the bucket, an event naming it."""
    bundle = stack.services
    key = f"attachments/test-{name}/001-{name}"
    bundle.client("s3").put_object(Bucket=bundle.settings.raw_mail_bucket, Key=key, Body=content)
    record_customer_reply(
        CustomerReply(
            reference=reference,
            received_at=datetime.now(UTC),
            channel=Channel.EMAIL,
            summary="customer replied by email",
            body="Photos attached.",
            attachments=(Attachment(name, "image/jpeg", len(content), key),),
        ),
        store=bundle.store,
        policy=bundle.policy,
        calendar=bundle.calendar,
        now=datetime.now(UTC),
    )
    if details:
        case = bundle.store.get_case(reference)
        event = TimelineEvent(
            at=datetime.now(UTC),
            kind="attachment",
            actor="customer",
            summary=f"attachment kept: {name}",
            details={"s3_key": key, "content_type": "image/jpeg", **details},
        )
        bundle.store.save_case(case, events=[event], schedule=Schedule(None))
    return key


def _attachment_links(body: str, reference: str) -> list[str]:
    marker = f'href="/staff/cases/{reference}/attachments/'
    found = [part.split('"', 1)[0] for part in body.split(marker)[1:]]
    return [f"/cases/{reference}/attachments/{one}" for one in found]


def test_an_attachment_downloads_through_a_short_lived_link(stack, browsers):
    reference = stack.sample_cases["bins"]
    _attach(stack, reference, "kitchen.jpg", b"jpeg bytes")
    page = browsers["officer"].get(f"/cases/{reference}")
    (link,) = _attachment_links(page.body, reference)
    answer = browsers["officer"].get(link)
    assert answer.status == 303
    presigned = urllib.parse.urlsplit(answer.location)
    query = dict(urllib.parse.parse_qsl(presigned.query))
    assert presigned.path.endswith("/attachments/test-kitchen.jpg/001-kitchen.jpg")
    assert int(query["X-Amz-Expires"]) <= 300
    assert "attachment" in query["response-content-disposition"]
    with urllib.request.urlopen(answer.location, timeout=30) as download:
        assert download.read() == b"jpeg bytes"


def test_attachments_are_only_for_those_who_may_see_the_case(stack, browsers):
    reference = stack.sample_cases["garden"]
    _attach(stack, reference, "bin.jpg", b"a bin")
    (link,) = _attachment_links(browsers["officer"].get(f"/cases/{reference}").body, reference)
    assert browsers["head_of_service"].get(link).status == 403
    assert browsers["chief_executive"].get(link).status == 403
    # Another case's address with this attachment's id: not one of that case's files.
    other = stack.sample_cases["bulky"]
    assert browsers["officer"].get(link.replace(reference, other)).status == 404


def test_an_attachment_whose_scan_was_not_clean_is_not_offered(stack, browsers):
    reference = stack.sample_cases["damp"]
    _attach(stack, reference, "invoice.exe", b"MZ", virus_verdict="FAIL")
    page = browsers["head_of_service"].get(f"/cases/{reference}")
    assert "invoice.exe" in page.body
    assert "Not scanned clean" in page.body
    assert _attachment_links(page.body, reference) == []
    from sla_monitor.attachments import attachment_id

    key = "attachments/test-invoice.exe/001-invoice.exe"
    assert (
        browsers["head_of_service"]
        .get(f"/cases/{reference}/attachments/{attachment_id(key)}")
        .status
        == 404
    )


def test_a_quarantined_file_is_offered_once_its_scan_releases_it(stack, browsers):
    from sla_monitor.attachments import attachment_id
    from sla_monitor.attachments_release import (
        ScanResult,
        quarantine_release,
        record_scan_result,
    )

    bundle = stack.services
    reference = stack.sample_cases["bins"]
    key = "attachments/quarantine/your-cases-0123456789abcdef0123456789abcd99/001-bin-store.jpg"
    bundle.client("s3").put_object(
        Bucket=bundle.settings.raw_mail_bucket, Key=key, Body=b"photo of the bin store"
    )
    record_customer_reply(
        CustomerReply(
            reference=reference,
            received_at=datetime.now(UTC),
            channel=Channel.WEB,
            summary="the customer sent more information through their online account",
            body="A photo of the bin store.",
            idempotency_key="your-cases:0123456789abcdef0123456789abcd99",
            attachments=(Attachment("bin-store.jpg", "image/jpeg", 22, key, quarantined=True),),
        ),
        store=bundle.store,
        policy=bundle.policy,
        calendar=bundle.calendar,
        now=datetime.now(UTC),
    )
    page = browsers["officer"].get(f"/cases/{reference}")
    assert "bin-store.jpg" in page.body
    assert "In quarantine until it is scanned" in page.body
    # The case's other files (other tests attach some) are offered; this one is not.
    others = set(_attachment_links(page.body, reference))
    quarantined = f"/cases/{reference}/attachments/{attachment_id(key)}"
    assert quarantined not in others
    assert browsers["officer"].get(quarantined).status == 404

    record = record_scan_result(
        ScanResult(bundle.settings.raw_mail_bucket, key, None, "NO_THREATS_FOUND"),
        work=quarantine_release(bundle, "attachments/"),
        now=datetime.now(UTC),
    )
    assert record.outcome == "released"

    page = browsers["officer"].get(f"/cases/{reference}")
    assert "In quarantine" not in page.body
    (link,) = set(_attachment_links(page.body, reference)) - others
    answer = browsers["officer"].get(link)
    assert answer.status == 303
    assert "/attachments/scanned/your-cases-" in urllib.parse.urlsplit(answer.location).path
    with urllib.request.urlopen(answer.location, timeout=30) as download:
        assert download.read() == b"photo of the bin store"


def test_a_response_promises_actions_with_dates_and_each_is_recorded_done(stack, browsers):
    cco = browsers["corporate_complaints_officer"]
    logged = _log(cco, department="housing", summary="The gutter was left broken")
    reference = _reference(logged.location.split("?")[0])
    undated = cco.submit(
        f"/cases/{reference}/respond",
        {
            "outcome": "upheld",
            "summary": "The roofers left it broken.",
            "remedy_action_1": "repair the gutter",
        },
    )
    assert undated.status == 400
    assert 'href="#remedy_by_1"' in undated.body
    assert stack.services.store.get_case(reference).responses == ()
    answered = cco.submit(
        f"/cases/{reference}/respond",
        {
            "outcome": "upheld",
            "summary": "The roofers left it broken.",
            "remedy_action_1": "repair the gutter",
            "remedy_by_1-day": "5",
            "remedy_by_1-month": "2",
            "remedy_by_1-year": "2030",
            "confirm": "yes",
        },
    )
    assert answered.status == 303
    case = stack.services.store.get_case(reference)
    assert case.is_open and [(r.action, r.due_on.isoformat()) for r in case.remedies] == [
        ("repair the gutter", "2030-02-05")
    ]
    page = cco.follow(answered.location)
    assert "Actions promised to put things right" in page.body
    assert "To do by Tuesday 5 February 2030" in page.body
    assert f"/cases/{reference}/remedy-done" in page.body
    done = cco.submit(f"/cases/{reference}/remedy-done", {"number": "1", "note": "Fitted"})
    assert done.status == 303
    case = stack.services.store.get_case(reference)
    assert not case.is_open and case.remedies[0].done_by == "complaints-officer"


def test_refusing_a_complaint_needs_the_reason_then_closes_it(stack, browsers):
    cco = browsers["corporate_complaints_officer"]
    logged = _log(cco, department="housing", summary="The court case about my eviction")
    reference = _reference(logged.location.split("?")[0])
    page = cco.get(f"/cases/{reference}")
    assert f"/staff/cases/{reference}/refuse" in page.body
    form = cco.get(f"/cases/{reference}/refuse")
    assert form.status == 200 and 'name="reason"' in form.body

    unanswered = cco.submit(f"/cases/{reference}/refuse", {"reason": " "})
    assert unanswered.status == 400
    assert 'href="#reason"' in unanswered.body
    assert stack.services.store.get_case(reference).is_open

    answer = cco.submit(
        f"/cases/{reference}/refuse", {"reason": "the matter is before the county court"}
    )
    assert answer.status == 303
    assert answer.location.startswith(f"/staff/cases/{reference}?done=refuse")
    case = stack.services.store.get_case(reference)
    assert not case.is_open
    assert (
        case.refusal is not None and case.refusal.reason == "the matter is before the county court"
    )
    assert f"/staff/cases/{reference}/refuse" not in cco.get(f"/cases/{reference}").body
