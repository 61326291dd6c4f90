"""The complaints procedure end to end through the staff use cases and the sweep: what each
customer and officer receives, and when (read back from the mailer)."""

from __future__ import annotations

from datetime import date, timedelta
from email import message_from_bytes, policy

import pytest

from sla_monitor.cases import CaseStatus, CaseType, Channel, Customer, Outcome
from sla_monitor.engine import ClockState, evaluate
from sla_monitor.intake import CustomerReply
from sla_monitor.replies import record_customer_reply
from sla_monitor.staff import (
    ActionNotAllowed,
    answer_customer,
    assign_case,
    extend_deadline,
    reclassify_case,
    record_response,
    reply_to_customer,
    request_stage_2,
    resume_clocks,
    wait_for_customer,
)

from .conftest import RESIDENT, london, text_of

CCO = "complaints@nwleicestershire.gov.uk"
HEAD_OF_HOUSING = "head.housing@nwleicestershire.gov.uk"
HOUSING_OFFICER = "ravi.evans@nwleicestershire.gov.uk"
MONDAY = london(2026, 3, 2, 10, 0)


def world(town):
    return {"store": town.store, "policy": town.policy, "calendar": town.calendar}


def respond(town, reference, at, outcome=Outcome.UPHELD, by="housing-officer", **extra):
    return record_response(
        reference,
        summary="The repair was booked but the contractor never came.",
        outcome=outcome,
        by=by,
        now=at,
        **world(town),
        **extra,
    )


@pytest.fixture
def complaint(town):
    case = town.receive(MONDAY, case_type=CaseType.COMPLAINT)
    town.sweep(MONDAY)
    assign_case(
        case.reference,
        officer_id="housing-officer",
        department=None,
        by="head-housing",
        now=MONDAY + timedelta(minutes=30),
        directory=town.directory,
        **world(town),
    )
    town.sweep(MONDAY + timedelta(minutes=30))
    return case


def test_the_formal_response_letter_has_the_outcome_and_how_to_take_it_further(town, complaint):
    wednesday = london(2026, 3, 4, 15, 0)
    respond(
        town,
        complaint.reference,
        wednesday,
        apology="We are sorry the contractor did not come.",
        remedy="The repair is booked for 9 March.",
        lessons_learned="Contractor appointments are now confirmed by phone the day before.",
    )
    # Nothing says it was sent until it was.
    kinds = [e.kind for e in town.store.timeline(complaint.reference)]
    assert "message_sent" not in kinds[kinds.index("response_recorded") :]

    town.sweep(wednesday)

    [letter] = [m for m in town.mail_to(RESIDENT) if "our response" in str(m["Subject"])]
    assert str(letter["Subject"]) == f"{complaint.reference}: our response to your complaint"
    text = text_of(letter)
    assert "We have upheld your complaint" in text
    assert "The repair was booked but the contractor never came." in text
    assert "We are sorry the contractor did not come." in text
    assert "The repair is booked for 9 March." in text
    assert "confirmed by phone the day before" in text
    assert "stage 2" in text and "local councillor" in text
    assert "Local Government and Social Care Ombudsman" in text
    assert "www.lgo.org.uk" in text and "0300 061 0614" in text
    # Twenty working days from 4 March to ask for stage 2.
    assert "by Wednesday 1 April 2026" in text
    # Signed by the officer who recorded it, with their job title, for the council.
    assert "Yours sincerely,\n\nRavi Evans\nHousing Officer\nNorth West Leicestershire" in (
        text.replace("\r\n", "\n")
    )
    assert "Customer Services Team" not in text
    timeline = town.store.timeline(complaint.reference)
    sent = [e for e in timeline if e.details.get("action") == "formal_response"]
    assert [e.summary for e in sent] == ["formal response emailed to the customer"]
    cco = [str(m["Subject"]) for m in town.mail_to(CCO)]
    assert f"{complaint.reference}: stage 1 response recorded, complaint closed" in cco


def test_an_answered_enquiry_gets_a_reply_letter_without_the_ombudsman(town):
    case = town.receive(MONDAY)
    record_response(
        case.reference,
        summary="Your bill is due on the 1st of each month.",
        outcome=Outcome.ANSWERED,
        by="head-housing",
        now=MONDAY + timedelta(hours=1),
        **world(town),
    )
    town.sweep(MONDAY + timedelta(hours=1))
    [reply] = [m for m in town.mail_to(RESIDENT) if "our reply" in str(m["Subject"])]
    text = text_of(reply)
    assert "Your bill is due on the 1st of each month." in text
    assert "Ombudsman" not in text
    assert "you can make a complaint" in text
    # The Corporate Complaints Officer hears only of complaints.
    assert not [m for m in town.mail_to(CCO) if "response recorded" in str(m["Subject"])]


@pytest.mark.parametrize(
    ("case_type", "outcome", "message"),
    [
        (CaseType.COMPLAINT, Outcome.ANSWERED, "upheld, partly_upheld or not_upheld"),
        (CaseType.ENQUIRY, Outcome.UPHELD, "outcome is answered"),
    ],
)
def test_an_outcome_that_does_not_fit_the_case_is_refused(town, case_type, outcome, message):
    case = town.receive(MONDAY, case_type=case_type)
    with pytest.raises(ActionNotAllowed, match=message):
        respond(town, case.reference, MONDAY, outcome=outcome)
    assert town.case(case.reference).responses == ()


def test_a_customer_without_email_gets_a_printable_letter_through_the_owner(town):
    case = town.receive(
        MONDAY,
        case_type=CaseType.COMPLAINT,
        channel=Channel.TELEPHONE,
        customer=Customer(name="Mr R Singh", address="5 Forest Road, Coalville, LE67 2BB"),
    )
    town.sweep(MONDAY)
    respond(town, case.reference, london(2026, 3, 5, 11, 0), by="head-housing")
    town.sweep(london(2026, 3, 5, 11, 0))

    tasks = [m for m in town.mail_to(HEAD_OF_HOUSING) if "formal response" in text_of(m).lower()]
    assert tasks, town.subjects_to(HEAD_OF_HOUSING)
    [pdf] = [p for p in tasks[-1].iter_attachments() if p.get_content_type() == "application/pdf"]
    assert pdf.get_filename() == f"{case.reference}-letter.pdf"
    data = pdf.get_content()
    assert data.startswith(b"%PDF")
    from io import BytesIO

    from pypdf import PdfReader

    words = " ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)
    assert "5 Forest Road" in words and "Mr R Singh" in words
    assert "Local Government and Social Care Ombudsman" in words
    assert "reply to this email" not in words  # a posted letter says where to write
    assert "Council Offices, Whitwick Road" in words
    sent = [
        e
        for e in town.store.timeline(case.reference)
        if e.details.get("action") == "formal_response"
    ]
    assert [e.kind for e in sent] == ["task_for_owner"]


def test_stage_2_has_its_own_clocks_a_different_officer_and_everyone_told(town, complaint):
    respond(town, complaint.reference, london(2026, 3, 4, 15, 0))
    town.sweep(london(2026, 3, 4, 15, 0))
    asked = london(2026, 3, 9, 10, 0)

    with pytest.raises(ActionNotAllowed, match="different officer"):
        request_stage_2(
            complaint.reference,
            reason="not satisfied",
            channel=Channel.TELEPHONE,
            officer_id="housing-officer",
            by="complaints-officer",
            directory=town.directory,
            now=asked,
            **world(town),
        )
    case = request_stage_2(
        complaint.reference,
        reason="the repair was not done on 9 March either",
        channel=Channel.TELEPHONE,
        by="complaints-officer",
        directory=town.directory,
        now=asked,
        **world(town),
    )
    # The Head of Service was handed stage 1 and named in its acknowledgement (sent before
    # anyone was assigned): the review goes to the Corporate Complaints Officer.
    [stage_1_ack] = [m for m in town.mail_to(RESIDENT) if "received your" in str(m["Subject"])]
    assert "Head of Housing" in text_of(stage_1_ack)
    assert (case.stage, case.status, case.assigned_officer) == (
        2,
        CaseStatus.OPEN,
        "complaints-officer",
    )
    town.sweep(asked)

    clocks = evaluate(town.case(complaint.reference), town.policy, town.calendar, asked)
    assert clocks.clock("respond_to_complaint").state is ClockState.MET
    assert clocks.clock("acknowledge_stage_2").state is ClockState.MET
    # 20 working days from the acknowledgement on Monday 9 March: Monday 6 April... less Good
    # Friday (3 April) and Easter Monday (6 April): Wednesday 8 April.
    assert clocks.clock("respond_to_stage_2").due_day == date(2026, 4, 8)
    subjects = town.subjects_to(RESIDENT)
    assert f"{complaint.reference}: we have received your request for a stage 2 review" in subjects
    [ack] = [m for m in town.mail_to(RESIDENT) if "stage 2 review" in str(m["Subject"])]
    assert "Wednesday 8 April 2026" in text_of(ack)
    assert (
        "reviewed by Corporate Complaints Officer, North West Leicestershire District Council, "
        "who did not deal with it at stage 1"
    ) in " ".join(text_of(ack).split())
    assert "Head of Housing" not in text_of(ack)
    reviewer = town.subjects_to(CCO)
    assert f"{complaint.reference}: stage 2 review of a complaint assigned to you" in reviewer
    assert any("stage 2 review of a complaint for Housing" in s for s in town.subjects_to(CCO))
    assert any(
        "stage 2 review of a complaint for Housing" in s for s in town.subjects_to(HEAD_OF_HOUSING)
    )

    # One extension of up to 20 working days at stage 2, told to the customer and the CCO.
    with pytest.raises(ActionNotAllowed, match="1 to 20"):
        extend_deadline(
            complaint.reference,
            working_days=21,
            reason="x",
            by="head-housing",
            now=asked,
            **world(town),
        )
    extend_deadline(
        complaint.reference,
        working_days=5,
        reason="we are waiting for the surveyor's report",
        by="head-housing",
        now=london(2026, 3, 10, 10, 0),
        **world(town),
    )
    town.sweep(london(2026, 3, 10, 10, 0))
    [update] = [m for m in town.mail_to(RESIDENT) if "surveyor" in text_of(m)]
    text = text_of(update)
    assert "we are waiting for the surveyor's report" in text
    assert "Wednesday 15 April 2026" in text
    assert "Ombudsman" in text and "0300 061 0614" in text
    assert any("deadline extended" in s for s in town.subjects_to(CCO))

    # The Head of Housing, who was handed stage 1, may not answer stage 2 either.
    with pytest.raises(ActionNotAllowed, match="dealt with stage 1"):
        respond(
            town,
            complaint.reference,
            london(2026, 3, 20, 11, 0),
            outcome=Outcome.PARTLY_UPHELD,
            by="head-housing",
        )
    respond(
        town,
        complaint.reference,
        london(2026, 3, 20, 11, 0),
        outcome=Outcome.PARTLY_UPHELD,
        by="complaints-officer",
    )
    town.sweep(london(2026, 3, 20, 11, 0))
    [final] = [m for m in town.mail_to(RESIDENT) if "stage 2 response" in str(m["Subject"])]
    text = text_of(final)
    assert "We have partly upheld your complaint" in text
    assert "complaints procedure is now finished" in text
    assert "www.lgo.org.uk" in text
    assert "ask for your complaint to be reviewed at stage 2" not in text
    assert town.case(complaint.reference).status is CaseStatus.CLOSED


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("enquiry", "only a complaint goes to stage 2"),
        ("unanswered", "no stage 1 response yet"),
        ("twice", "at stage 2 already"),
    ],
)
def test_stage_2_is_refused_where_it_does_not_fit(town, setup, message):
    case = town.receive(
        MONDAY, case_type=CaseType.ENQUIRY if setup == "enquiry" else CaseType.COMPLAINT
    )
    if setup == "twice":
        respond(town, case.reference, MONDAY + timedelta(hours=1), by="head-housing")
        request_stage_2(
            case.reference,
            reason="r",
            channel=Channel.EMAIL,
            by="x",
            directory=town.directory,
            now=MONDAY + timedelta(hours=2),
            **world(town),
        )
    before = town.case(case.reference)
    with pytest.raises(ActionNotAllowed, match=message):
        request_stage_2(
            case.reference,
            reason="not satisfied",
            channel=Channel.EMAIL,
            by="x",
            directory=town.directory,
            now=MONDAY + timedelta(hours=3),
            **world(town),
        )
    assert town.case(case.reference) == before


def test_a_reply_soon_after_the_response_that_may_ask_for_stage_2_waits_for_a_decision(
    town, complaint
):
    respond(town, complaint.reference, london(2026, 3, 4, 15, 0))
    town.sweep(london(2026, 3, 4, 15, 0))
    wrote = london(2026, 3, 6, 8, 0)
    record_customer_reply(
        CustomerReply(
            reference=complaint.reference,
            received_at=wrote,
            channel=Channel.EMAIL,
            summary="reply",
            body="I am not happy with this.",
        ),
        **world(town),
        now=wrote,
        directory=town.directory,
    )
    # Reopened at stage 1 for staff to decide: in the work list, not closed and forgotten.
    case = town.case(complaint.reference)
    assert (case.status, case.stage, case.possible_stage_2_at) == (CaseStatus.OPEN, 1, wrote)
    town.sweep(london(2026, 3, 6, 8, 30))  # before office hours: staff wait, the customer not
    assert not any("stage 2" in s for s in town.subjects_to(HOUSING_OFFICER))
    [told] = [m for m in town.mail_to(RESIDENT) if "your message about" in str(m["Subject"])]
    assert "whether you are asking for your complaint to be reviewed at stage 2" in " ".join(
        text_of(told).split()
    )
    town.sweep(london(2026, 3, 6, 9, 0))
    subject = f"{complaint.reference}: the customer may be asking for a stage 2 review"
    assert subject in town.subjects_to(HOUSING_OFFICER)
    [cco] = [m for m in town.mail_to(CCO) if str(m["Subject"]) == subject]
    assert "What they wrote: I am not happy with this." in text_of(cco)
    assert f"sla-monitor case decline-stage-2 {complaint.reference}" in text_of(cco)
    # Nothing goes twice.
    town.sweep(london(2026, 3, 6, 10, 0))
    assert [str(m["Subject"]) for m in town.mail_to(CCO)].count(subject) == 1
    assert len([m for m in town.mail_to(RESIDENT) if "your message" in str(m["Subject"])]) == 1


def test_a_reply_to_a_closed_enquiry_reopens_it_and_tells_the_owner(town):
    case = town.receive(MONDAY)
    record_response(
        case.reference,
        summary="Answered.",
        outcome=Outcome.ANSWERED,
        by="head-housing",
        now=MONDAY,
        **world(town),
    )
    record_customer_reply(
        CustomerReply(
            reference=case.reference,
            received_at=london(2026, 3, 3, 11, 0),
            channel=Channel.EMAIL,
            summary="reply",
            body="That did not answer my question.",
        ),
        **world(town),
        now=london(2026, 3, 3, 11, 0),
    )
    reopened = town.case(case.reference)
    assert reopened.status is CaseStatus.OPEN and reopened.reopened_at is not None
    town.sweep(london(2026, 3, 3, 11, 0))
    assert f"{case.reference}: the customer has replied; the case is open again" in (
        town.subjects_to(HEAD_OF_HOUSING)
    )
    # It can be answered again once reopened, but not twice in a row.
    record_response(
        case.reference,
        summary="Answered properly.",
        outcome=Outcome.ANSWERED,
        by="head-housing",
        now=london(2026, 3, 3, 12, 0),
        **world(town),
    )
    assert len(town.case(case.reference).responses) == 2


def test_the_customer_is_told_when_their_date_moves(town):
    case = town.receive(MONDAY)
    town.sweep(MONDAY)
    wait_for_customer(
        case.reference,
        reason="a photo of the damp patch",
        by="head-housing",
        now=london(2026, 3, 3, 10, 0),
        **world(town),
    )
    town.sweep(london(2026, 3, 3, 10, 0))
    [waiting] = [m for m in town.mail_to(RESIDENT) if "need something" in str(m["Subject"])]
    assert "a photo of the damp patch" in text_of(waiting)
    # The day it paused does not count: Tuesday to Monday are still to run.
    assert "within 5 working days" in text_of(waiting)
    resume_clocks(case.reference, by="head-housing", now=london(2026, 3, 5, 10, 0), **world(town))
    town.sweep(london(2026, 3, 5, 10, 0))
    [resumed] = [m for m in town.mail_to(RESIDENT) if "an update" in str(m["Subject"])]
    # Due Monday 9 March; Tuesday and Wednesday paused: Wednesday 11 March.
    assert "Wednesday 11 March 2026" in text_of(resumed)


def test_reclassifying_into_a_complaint_acknowledges_it_as_one_and_hands_it_over(town):
    case = town.receive(MONDAY, case_type=CaseType.SERVICE_REQUEST)
    town.sweep(MONDAY)
    reclassify_case(
        case.reference,
        case_type=CaseType.COMPLAINT,
        reason="third missed collection",
        by="head-housing",
        now=london(2026, 3, 2, 11, 0),
        **world(town),
    )
    town.sweep(london(2026, 3, 2, 11, 0))
    subjects = town.subjects_to(RESIDENT)
    assert subjects.count(f"{case.reference}: we have received your complaint") == 1
    assert f"{case.reference}: new complaint for Housing" in town.subjects_to(CCO)


def test_assignment_tells_the_officer_and_a_move_tells_the_new_head_of_service(town, complaint):
    assert f"{complaint.reference}: assigned to you" in town.subjects_to(HOUSING_OFFICER)
    assign_case(
        complaint.reference,
        officer_id="waste-officer",
        department="waste-services",
        by="complaints-officer",
        now=london(2026, 3, 3, 10, 0),
        directory=town.directory,
        **world(town),
    )
    town.sweep(london(2026, 3, 3, 10, 0))
    assert f"{complaint.reference}: assigned to you" in town.subjects_to(
        "jo.patel@nwleicestershire.gov.uk"
    )
    assert f"{complaint.reference}: moved to Waste Services" in town.subjects_to(
        "head.waste@nwleicestershire.gov.uk"
    )
    # The customer heard who dealt with it at each step: the officer first given it, then the
    # service it was passed to.
    first, moved = [m for m in town.mail_to(RESIDENT) if "an update" in str(m["Subject"])]
    assert "An officer has now been given your complaint" in text_of(first)
    assert "Ravi Evans" in text_of(first)
    assert "We have passed your complaint" in text_of(moved)
    assert "Jo Patel" in text_of(moved)


def test_an_officer_who_assigns_a_case_to_themselves_is_not_emailed_about_it(town):
    case = town.receive(MONDAY, case_type=CaseType.COMPLAINT)
    town.sweep(MONDAY)
    taken = assign_case(
        case.reference,
        officer_id="housing-officer",
        department=None,
        by="housing-officer",
        now=london(2026, 3, 2, 10, 30),
        directory=town.directory,
        **world(town),
    )
    town.sweep(london(2026, 3, 2, 11, 0))
    assert f"{case.reference}: assigned to you" not in town.subjects_to(HOUSING_OFFICER)
    assert taken.assigned_officer == "housing-officer"
    assigned = [e for e in town.store.timeline(case.reference) if e.kind == "assigned"]
    assert [e.actor for e in assigned] == ["housing-officer"]
    # The customer still hears who deals with their complaint.
    assert any("an update" in str(m["Subject"]) for m in town.mail_to(RESIDENT))


def test_assigning_to_someone_not_in_the_directory_is_refused(town, complaint):
    with pytest.raises(ActionNotAllowed, match="no officer"):
        assign_case(
            complaint.reference,
            officer_id="nobody",
            department=None,
            by="x",
            now=MONDAY,
            directory=town.directory,
            **world(town),
        )


def test_a_holding_updates_date_is_a_clock_whose_breach_reaches_the_head_of_service(town):
    case = town.receive(MONDAY)
    # Due Monday 9 March; the holding update goes at 14:00 that day, promising 16 March.
    town.sweep_every(MONDAY, london(2026, 3, 17, 10, 0), timedelta(hours=1))
    clock = evaluate(town.case(case.reference), town.policy, town.calendar, london(2026, 3, 17))
    assert clock.clock("respond_to_enquiry:promised_date").due_day == date(2026, 3, 16)
    alerts = [
        m for m in town.mail_to(HEAD_OF_HOUSING) if "holding update telling them" in text_of(m)
    ]
    assert len(alerts) == 1
    assert "Monday 16 March 2026" in text_of(alerts[0])
    sent = message_from_bytes(alerts[0].as_bytes(), policy=policy.default)
    assert sent["Date"].datetime.astimezone(town.calendar.timezone) == london(2026, 3, 17, 9, 0)


def test_a_compliment_is_acknowledged_passed_to_the_service_and_closed(town):
    case = town.receive(MONDAY, case_type=CaseType.COMPLIMENT)
    town.sweep(MONDAY)
    assert f"{case.reference}: a compliment for Housing" in town.subjects_to(HEAD_OF_HOUSING)
    assert any("we have received your compliment" in s for s in town.subjects_to(RESIDENT))
    closed = town.case(case.reference)
    assert closed.status is CaseStatus.CLOSED
    assert town.store.timeline(case.reference)[-1].kind == "closed"


def test_progress_updates_state_the_expected_reply_date(town, complaint):
    # Given the response extended by 5 working days, to Monday 23 March
    extend_deadline(
        complaint.reference,
        working_days=5,
        reason="we are waiting for the surveyor's report",
        by="head-housing",
        now=london(2026, 3, 10, 10, 0),
        **world(town),
    )
    # When the first progress update goes, on Monday 16 March
    town.sweep_every(MONDAY, london(2026, 3, 16, 15, 0), timedelta(hours=1))
    [progress] = [m for m in town.mail_to(RESIDENT) if "progress on" in str(m["Subject"])]
    # Then it gives the date still to come
    assert "We expect to send you our full response by Monday 23 March 2026" in text_of(progress)


def test_a_progress_update_on_the_day_the_response_is_due_promises_no_date(town, complaint):
    # The reply may still go today; a letter never gives the day it goes as a reply date
    town.sweep_every(MONDAY, london(2026, 3, 16, 15, 0), timedelta(hours=1))
    [progress] = [m for m in town.mail_to(RESIDENT) if "progress on" in str(m["Subject"])]
    assert "We expect to send you our full response" not in text_of(progress)
    assert "sorry" not in text_of(progress)


def test_an_officer_writes_to_the_customer_threaded_on_their_email(town):
    case = town.receive(MONDAY, source_message_id="abc123@mail.example.org")
    town.sweep(MONDAY)
    reply_to_customer(
        case.reference,
        text="Could you send us a photo of the damp patch?\n\nThank you.",
        by="housing-officer",
        now=london(2026, 3, 3, 10, 0),
        **world(town),
    )
    town.sweep(london(2026, 3, 3, 10, 0))
    [message] = [m for m in town.mail_to(RESIDENT) if "a message about" in str(m["Subject"])]
    text = text_of(message)
    assert "Could you send us a photo of the damp patch?" in text
    assert "Ravi Evans, Housing Officer" in text
    assert message["In-Reply-To"] == "<abc123@mail.example.org>"
    [event] = [e for e in town.store.timeline(case.reference) if e.kind == "officer_message"]
    assert event.details["text"].startswith("Could you send us a photo")
    with pytest.raises(ActionNotAllowed, match="needs some text"):
        reply_to_customer(
            case.reference, text="   ", by="x", now=london(2026, 3, 3, 10, 0), **world(town)
        )


def test_a_reply_that_answers_an_enquiry_is_sent_signed_and_keeps_the_promise(town):
    case = town.receive(
        MONDAY, case_type=CaseType.ENQUIRY, source_message_id="enquiry@mail.example.org"
    )
    town.sweep(MONDAY)
    tuesday = london(2026, 3, 3, 10, 0)
    answer_customer(
        case.reference,
        text="You can book a bulky waste collection online.",
        by="housing-officer",
        now=tuesday,
        **world(town),
    )
    town.sweep(tuesday)
    [message] = [m for m in town.mail_to(RESIDENT) if "our reply to" in str(m["Subject"])]
    assert str(message["Subject"]) == f"{case.reference}: our reply to your enquiry"
    text = text_of(message)
    assert "You can book a bulky waste collection online." in text
    assert "Ravi Evans, Housing Officer" in text
    assert "you can make a complaint" in text
    assert message["In-Reply-To"] == "<enquiry@mail.example.org>"
    stored = town.store.get_case(case.reference)
    clocks = evaluate(stored, town.policy, town.calendar, london(2026, 4, 1, 10, 0)).clocks
    respond_clock = next(c for c in clocks if c.promise == "respond_to_enquiry")
    assert (respond_clock.state, respond_clock.satisfied_at) == (ClockState.MET, tuesday)
