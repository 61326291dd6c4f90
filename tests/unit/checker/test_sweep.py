"""The sweep with an in-memory store and mailer: what it sends, to whom, when, and only once."""

from __future__ import annotations

from datetime import timedelta

from sla_monitor.cases import (
    AccessibleFormat,
    CaseType,
    Channel,
    ContactMethod,
    Customer,
    Preferences,
)
from sla_monitor.checker.outcomes import Delivery
from sla_monitor.engine import Action

from .conftest import RESIDENT, SENDER, html_of, london, text_of

HEAD_OF_HOUSING = "head.housing@nwleicestershire.gov.uk"

MONDAY = london(2026, 3, 2, 10, 0)  # an ordinary week: no bank holiday, no clock change


# -- acknowledgements ---------------------------------------------------------------------


def test_an_email_is_acknowledged_at_the_first_sweep_with_what_happens_next(town):
    case = town.receive(MONDAY)

    report = town.sweep(MONDAY + timedelta(minutes=5))

    [message] = town.mail_to(RESIDENT)
    assert message["Subject"] == f"{case.reference}: we have received your enquiry"
    assert message["From"].addresses[0].addr_spec == SENDER
    text = text_of(message)
    assert f"Your reference is {case.reference}" in text
    assert "Head of Housing, Housing is dealing with your enquiry" in text
    assert HEAD_OF_HOUSING in text and town.council.phone in text
    # Five working days from Monday 2 March.
    assert "We aim to send you a full reply by Monday 9 March 2026." in text
    assert "Monday 9 March 2026" in html_of(message)
    assert report.lines() == [
        f"{case.reference}  acknowledge                   emailed  customer (on time)"
    ]


def test_the_acknowledgement_is_recorded_on_the_case_with_its_message_id(town):
    case = town.receive(MONDAY)
    sent_at = MONDAY + timedelta(minutes=5)

    town.sweep(sent_at)

    stored = town.case(case.reference)
    assert stored.acknowledged_at == sent_at
    assert stored.expected_reply_by == london(2026, 3, 9, 17, 0)
    [sent] = stored.sent
    assert (sent.key, sent.message_id) == ("acknowledge", "fake-000001")
    [event] = [e for e in town.store.timeline(case.reference) if e.kind == "message_sent"]
    assert event.details["ses_message_id"] == "fake-000001"
    assert event.summary == "acknowledgement emailed to the customer on time"
    # A reply quoting our Message-ID, or SES's id, finds the case.
    our_id = town.mail_to(RESIDENT)[0]["Message-ID"].strip("<>")
    assert town.store.find_case_by_message_id(our_id) == case.reference
    assert town.store.find_case_by_message_id("fake-000001") == case.reference


def test_a_case_is_acknowledged_once_however_many_sweeps_run(town):
    town.receive(MONDAY)

    town.sweep_every(MONDAY, MONDAY + timedelta(hours=6), timedelta(minutes=5))

    assert len(town.mail_to(RESIDENT)) == 1


def test_a_swept_case_leaves_the_due_index_until_its_next_deadline(town):
    case = town.receive(MONDAY)
    town.sweep(MONDAY)
    # Next: the warning to the owner, the working day before the reply is due, at 09:00.
    assert town.store.due_at(case.reference) == london(2026, 3, 6, 9, 0)
    town.store.reads = 0
    assert town.sweep(MONDAY + timedelta(hours=1)).cases_read == 0
    assert town.store.reads == 0


def test_the_reply_to_an_email_threads_under_the_customers_message(town):
    town.receive(MONDAY, source_message_id="orig-1@mail.example.org")

    town.sweep(MONDAY)

    [message] = town.mail_to(RESIDENT)
    assert message["In-Reply-To"] == "<orig-1@mail.example.org>"
    assert message["References"] == "<orig-1@mail.example.org>"
    assert message["Auto-Submitted"] == "auto-replied"


def test_a_complaint_acknowledgement_says_how_the_complaint_will_be_handled(town):
    case = town.receive(MONDAY, case_type=CaseType.COMPLAINT)

    town.sweep(MONDAY)

    text = text_of(town.mail_to(RESIDENT)[0])
    assert f"{case.reference}: we have received your complaint" == town.subjects_to(RESIDENT)[0]
    assert "passed to the Head of Service for Housing" in text
    assert "Corporate Complaints Officer" in text
    # Ten working days from Monday 2 March.
    assert "full reply by Monday 16 March 2026" in text
    assert "at least every 10 working days" in text


def test_a_compliment_is_thanked_without_promising_a_reply(town):
    town.receive(MONDAY, case_type=CaseType.COMPLIMENT)

    town.sweep(MONDAY)

    text = text_of(town.mail_to(RESIDENT)[0])
    assert "We record every compliment and comment" in text
    assert "reply by" not in text


# -- customers we cannot email --------------------------------------------------------------


def test_a_letter_complaint_becomes_a_task_for_the_owner_to_post(town):
    case = town.receive(
        MONDAY,
        case_type=CaseType.COMPLAINT,
        channel=Channel.LETTER,
        customer=Customer(name="Bob Example", address="1 High Street, Coalville"),
    )

    report = town.sweep(MONDAY + timedelta(minutes=5))

    task = [m for m in town.mail_to(HEAD_OF_HOUSING) if "acknowledgement" in str(m["Subject"])]
    [message] = task
    assert message["Subject"] == f"{case.reference}: please send the acknowledgement by post"
    text = text_of(message)
    assert "there is no email address on the case" in text
    assert "Address: 1 High Street, Coalville" in text
    assert "Dear Bob Example," in text  # the letter itself, ready to send
    stored = town.case(case.reference)
    assert stored.was_sent("acknowledge")
    assert stored.acknowledged_at is None  # sent by hand: staff record it when posted
    assert report.count(Action.ACKNOWLEDGE, Delivery.TASK) == 1
    town.sweep_every(MONDAY + timedelta(minutes=10), MONDAY + timedelta(hours=4))
    assert len([m for m in town.mail_to(HEAD_OF_HOUSING) if "by post" in str(m["Subject"])]) == 1


def test_a_customer_who_asked_for_phone_calls_is_not_emailed(town):
    town.receive(
        MONDAY,
        case_type=CaseType.COMPLAINT,
        customer=Customer(name="Cy", email=RESIDENT, phone="01530 000000"),
        preferences=Preferences(contact_method=ContactMethod.PHONE),
    )

    town.sweep(MONDAY)

    assert town.mail_to(RESIDENT) == []
    subjects = town.subjects_to(HEAD_OF_HOUSING)
    assert any(s.endswith("please send the acknowledgement by phone") for s in subjects)


# -- languages and requests -----------------------------------------------------------------


def test_a_welsh_speaker_is_acknowledged_in_welsh(town):
    case = town.receive(MONDAY, preferences=Preferences(language="cy-GB"))

    town.sweep(MONDAY)

    [message] = town.mail_to(RESIDENT)
    assert message["Subject"] == f"{case.reference}: rydym wedi derbyn eich ymholiad"
    assert message["Content-Language"] == "cy"
    assert "Eich cyfeirnod yw" in text_of(message)
    assert '<html lang="cy">' in html_of(message)


def test_a_language_without_templates_goes_to_the_owner_to_translate_and_staff_are_told(town):
    case = town.receive(MONDAY, preferences=Preferences(language="pl"))

    town.sweep(MONDAY)

    # Nothing goes to the customer in English meanwhile: the owner has the letter translated.
    assert town.mail_to(RESIDENT) == []
    assert (
        f"{case.reference}: please have the acknowledgement translated into Polish, then send it"
        in town.subjects_to(HEAD_OF_HOUSING)
    )
    notice = [m for m in town.mail_to(HEAD_OF_HOUSING) if "asked for" in str(m["Subject"])]
    assert [str(m["Subject"]) for m in notice] == [
        f"{case.reference}: the customer asked for letters in Polish"
    ]
    assert "acknowledgement, holding update" in text_of(notice[0])


def test_an_accessible_format_request_reaches_the_owner_once_in_office_hours(town):
    friday_night = london(2026, 3, 6, 21, 0)
    case = town.receive(
        friday_night, preferences=Preferences(accessible_format=AccessibleFormat.LARGE_PRINT)
    )

    town.sweep_every(friday_night, london(2026, 3, 9, 12, 0))

    notices = [m for m in town.mail_to(HEAD_OF_HOUSING) if "asked for" in str(m["Subject"])]
    assert [str(m["Subject"]) for m in notices] == [
        f"{case.reference}: the customer asked for large print"
    ]
    assert notices[0]["Date"].datetime == london(2026, 3, 9, 9, 0)  # Monday, as the office opens
    # The customer was acknowledged straight away, that Friday night.
    assert town.case(case.reference).acknowledged_at == friday_night


# -- escaping ---------------------------------------------------------------------------------


def test_nothing_a_customer_writes_can_add_a_header_or_markup(town):
    case = town.receive(
        MONDAY,
        subject='Bins\r\nBcc: attacker@evil.example\r\n<script>alert("x")</script>',
        # Verified, so the letter does repeat the subject and name: escaped.
        customer=Customer(
            name="<b>Ann</b>\r\nX-Injected: yes", email=RESIDENT, email_verified=True
        ),
    )

    town.sweep(MONDAY)

    [raw] = [m for m in town.mailer.sent if RESIDENT in m.recipients]
    assert raw.recipients == (RESIDENT,)
    message = raw.parsed()
    assert message["Bcc"] is None and message["X-Injected"] is None
    assert message["Subject"] == f"{case.reference}: we have received your enquiry"
    html = html_of(message)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>Ann</b>" not in html and "&lt;b&gt;Ann&lt;/b&gt;" in html
    headers = raw.raw.split(b"\r\n\r\n", 1)[0]
    assert b"attacker" not in headers and b"X-Injected" not in headers


def test_an_email_address_with_a_line_break_is_never_mailed(town):
    case = town.receive(
        MONDAY,
        customer=Customer(email="ann@example.org\r\nBcc: attacker@evil.example", phone="0153"),
    )

    town.sweep(MONDAY)

    assert all("attacker@evil.example" not in m.recipients for m in town.mailer.sent)
    text = text_of(town.mail_to(HEAD_OF_HOUSING)[0])
    assert "the email address on the case is not one we can send to" in text
    assert town.case(case.reference).was_sent("acknowledge")
