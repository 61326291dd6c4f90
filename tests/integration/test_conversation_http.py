"""The conversation on a case's page over HTTP, through the real handler against moto: every
message in and out with its words, letters as they went, notes for colleagues marked as never
sent, the formal response in full, and a letter's PDF downloaded as it was made."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from sla_monitor_local.local_stack import LocalStack

from sla_monitor.cases import CaseType, Channel, ContactMethod, Customer, Preferences
from sla_monitor.checker.wiring import run_schedule
from sla_monitor.intake import Attachment, CustomerReply, NewCase, register_case
from sla_monitor.replies import record_customer_reply

from .staff_support import EMAILS, Browser

pytestmark = pytest.mark.slow(seconds=12)

NOW = datetime.now(UTC)


@pytest.fixture(scope="module")
def complaints(stack: LocalStack) -> Browser:
    """The Corporate Complaints Officer, who sees every complaint."""
    browser = Browser(stack.workspace)
    assert browser.sign_in(EMAILS["corporate_complaints_officer"]).status == 303
    return browser


@pytest.fixture(scope="module")
def officer(stack: LocalStack) -> Browser:
    """Jo Patel, an officer of Waste Services."""
    browser = Browser(stack.workspace)
    assert browser.sign_in(EMAILS["officer"]).status == 303
    return browser


def messages(body: str) -> list[str]:
    """The conversation's messages, as HTML, oldest first."""
    part = body.split('id="conversation"', 1)[1].split('id="timeline"', 1)[0]
    return re.split(r'<li class="govuk-summary-card" id="message-\d+">', part)[1:]


def plain(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_formal_response_shows_in_full_and_its_letter_as_it_went(stack, complaints):
    reference = stack.sample_cases["repairs"]

    page = complaints.get(f"/cases/{reference}")

    assert page.status == 200
    response = plain(page.body.split('id="response-1"', 1)[1].split("</dl>", 1)[0])
    assert "Partly upheld" in response
    assert "The first appointment was missed; the second was rearranged with notice." in response
    assert "We are sorry the first appointment was missed." in response
    assert "Lessons learned None recorded" in response
    assert "A stage 2 review, their local councillor, then the Local Government" in response
    [letter] = [m for m in messages(page.body) if "Formal response emailed" in m]
    kept = next(
        e
        for e in stack.services.store.timeline(reference)
        if e.details.get("action") == "formal_response"
    )
    # The words shown are the words kept when it went, every line of them.
    for line in kept.details["letter_text"].splitlines():
        assert plain(line) in plain(letter)
    assert re.search(r"<details[^>]*\sopen", letter)  # the formal response is shown open


def test_a_note_is_set_apart_from_what_the_customer_was_sent(stack, complaints):
    reference = stack.sample_cases["council-tax"]

    page = complaints.get(f"/cases/{reference}")

    thread = messages(page.body)
    [note] = [m for m in thread if "Internal note" in m]
    assert "Internal note – not sent to the customer" in plain(note)
    assert "Waiting for the revenues system supplier" in plain(note)
    assert "govuk-inset-text" in note
    first = plain(thread[0])
    assert first.startswith("Complaint received from Gary Lowe by email")
    assert "Acknowledgement emailed to the customer" in plain(page.body)


def test_a_letter_to_post_downloads_as_the_pdf_that_was_made(stack, officer):
    bundle = stack.services
    at = NOW - timedelta(minutes=10)
    case = register_case(
        NewCase(
            case_type=CaseType.COMPLAINT,
            channel=Channel.LETTER,
            received_at=at,
            subject="Parking permit for a carer",
            description="My carer needs to park outside.",
            customer=Customer(name="Edith Brown", address="2 Mill Lane\nCoalville\nLE67 3AB"),
            preferences=Preferences(contact_method=ContactMethod.LETTER),
            department="waste-services",
            idempotency_key="conversation-letter-to-post",
            actor="waste-officer",
        ),
        store=bundle.store,
        policy=bundle.policy,
        calendar=bundle.calendar,
        now=at,
    ).case
    run_schedule(bundle, NOW)

    page = officer.get(f"/cases/{case.reference}")
    [letter] = [m for m in messages(page.body) if "Acknowledgement given to" in m]
    [link] = re.findall(r'href="([^"]+/letters/[^"]+)"', letter)
    origin = officer.base[: officer.base.index("/", len("http://"))]
    with officer._opener.open(origin + unescape(link), timeout=30) as answer:
        assert answer.headers["Content-Type"] == "application/pdf"
        assert "attachment" in answer.headers["Content-Disposition"]
        data = answer.read()
    kept = bundle.store.letter(case.reference, "acknowledge")
    assert kept is not None and data == kept.pdf and data.startswith(b"%PDF-")

    # A key the case's timeline does not name is not found, whatever the store holds.
    with pytest.raises(urllib.error.HTTPError) as refused:
        officer._opener.open(
            f"{officer.base}/cases/{case.reference}/letters/warn_owner", timeout=30
        )
    assert refused.value.code == 404


def test_a_reply_shows_escaped_with_the_files_that_came_with_it(stack, complaints):
    bundle = stack.services
    reference = stack.sample_cases["bins"]
    key = "attachments/conversation/001-lorry.jpg"
    bundle.client("s3").put_object(Bucket=bundle.settings.raw_mail_bucket, Key=key, Body=b"jpg")
    record_customer_reply(
        CustomerReply(
            reference=reference,
            received_at=datetime.now(UTC),
            channel=Channel.EMAIL,
            summary="customer replied by email",
            body="<b>Still</b> not collected.\n\nPhoto attached.",
            attachments=(Attachment("lorry.jpg", "image/jpeg", 3, key),),
        ),
        store=bundle.store,
        policy=bundle.policy,
        calendar=bundle.calendar,
        now=datetime.now(UTC),
    )

    page = complaints.get(f"/cases/{reference}")

    [reply] = [m for m in messages(page.body) if "Reply from Margaret Hill by email" in m]
    assert "&lt;b&gt;Still&lt;/b&gt; not collected." in reply and "<b>Still" not in reply
    assert "Files sent with it:" in plain(reply) and "lorry.jpg (3 bytes)" in plain(reply)
    assert '<a class="govuk-link" href="#attachments">attachments list</a>' in reply
