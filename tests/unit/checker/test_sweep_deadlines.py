"""Cases walked through their deadlines with a sweep every half hour: each promise kept once,
staff told only in office hours."""

from __future__ import annotations

from datetime import timedelta

from sla_monitor.cases import CaseType, Outcome
from sla_monitor.engine import Action
from sla_monitor.staff import record_response

from .conftest import RESIDENT, london, text_of

HEAD_OF_HOUSING = "head.housing@nwleicestershire.gov.uk"
COMPLAINTS_OFFICER = "complaints@nwleicestershire.gov.uk"
CHIEF_EXECUTIVE = "chief.executive@nwleicestershire.gov.uk"


def sent_log(town, reference):
    """(action, when) for every action recorded on the case, in order."""
    return [(s.action, s.sent_at) for s in town.case(reference).sent]


def test_an_unanswered_enquiry_gets_a_holding_update_with_a_new_date(town):
    monday = london(2026, 3, 2, 10, 0)
    case = town.receive(monday)

    town.sweep_every(monday, london(2026, 3, 11, 17, 0))

    assert sent_log(town, case.reference) == [
        ("acknowledge", monday),
        # The working day before the reply is due, as the office opens.
        ("warn_owner", london(2026, 3, 6, 9, 0)),
        # On the due day at 14:00 the customer hears when to expect a reply.
        ("send_holding_update", london(2026, 3, 9, 14, 0)),
        # Once the due day is over, the Head of Service hears at the next office opening.
        ("escalate_to_head_of_service", london(2026, 3, 10, 9, 0)),
    ]
    update = town.mail_to(RESIDENT)[1]
    assert update["Subject"] == f"{case.reference}: when to expect our reply"
    assert "We now expect to reply by Monday 16 March 2026." in text_of(update)
    assert "within 5 working days" in text_of(update)
    assert town.case(case.reference).expected_reply_by == london(2026, 3, 16, 17, 0)
    assert town.subjects_to(HEAD_OF_HOUSING) == [
        f"{case.reference}: 1 working day left to reply (due Monday 9 March 2026)",
        f"{case.reference}: promise missed, enquiry not answered by Monday 9 March 2026",
    ]


def test_a_complaint_is_handed_over_warned_escalated_and_referred_once_each(town):
    monday_evening = london(2026, 3, 2, 20, 0)  # after the cut-off: clocks start on Tuesday
    case = town.receive(monday_evening, case_type=CaseType.COMPLAINT)

    reports = town.sweep_every(monday_evening, london(2026, 4, 2, 12, 0), timedelta(hours=1))

    assert sent_log(town, case.reference) == [
        ("acknowledge", monday_evening),  # customers hear at once, whatever the hour
        ("pass_to_head_of_service", london(2026, 3, 3, 9, 0)),  # staff in office hours
        ("warn_owner", london(2026, 3, 13, 9, 0)),
        ("warn_owner", london(2026, 3, 16, 9, 0)),
        ("send_progress_update", london(2026, 3, 17, 14, 0)),
        ("escalate_to_head_of_service", london(2026, 3, 18, 9, 0)),
        # The customer hears the working day after the breach: sorry, and the new date.
        ("apologise_for_delay", london(2026, 3, 18, 14, 0)),
        # Twenty working days run to Tuesday 31 March, across the clocks going forward.
        ("send_progress_update", london(2026, 3, 31, 14, 0)),
        ("refer_to_chief_executive", london(2026, 4, 1, 9, 0)),
        ("tell_customer_of_referral", london(2026, 4, 1, 9, 0)),
    ]
    assert len(town.mail_to(RESIDENT)) == 5
    assert len(town.mail_to(CHIEF_EXECUTIVE)) == 1
    # The Corporate Complaints Officer hears of the handover, the breach and the referral.
    assert len(town.mail_to(COMPLAINTS_OFFICER)) == 3
    referral = town.mail_to(CHIEF_EXECUTIVE)[0]
    assert "unresolved after 20 working days" in str(referral["Subject"])
    assert sorted(a.addr_spec for a in referral["To"].addresses) == sorted(
        [CHIEF_EXECUTIVE, COMPLAINTS_OFFICER, HEAD_OF_HOUSING]
    )
    totals = {}
    for report in reports:
        for name, value in report.metrics().items():
            totals[name] = totals.get(name, 0) + value
    assert totals["AcknowledgementsSentOnTime"] == 1
    assert totals["AcknowledgementsSentLate"] == 0
    assert totals["UpdatesSent"] == 2
    assert totals["ApologiesSent"] == 1
    assert totals["Warnings"] == 2
    assert totals["Breaches"] == 1
    assert totals["Escalations"] == 1
    assert totals["ComplaintsHandedOver"] == 1


def test_no_staff_alert_goes_out_at_night_or_at_the_weekend(town):
    friday = london(2026, 3, 6, 16, 30)
    town.receive(friday, case_type=CaseType.COMPLAINT)

    town.sweep_every(friday, london(2026, 4, 10, 0, 0), timedelta(minutes=30))

    staff_mail = [m for m in town.mailer.sent if RESIDENT not in m.recipients]
    assert staff_mail
    for outbound in staff_mail:
        sent = outbound.parsed()["Date"].datetime.astimezone(town.calendar.timezone)
        assert town.calendar.in_office_hours(sent), sent


def test_a_case_answered_after_it_was_indexed_gets_nothing_and_leaves_the_index(town):
    monday = london(2026, 3, 2, 10, 0)
    case = town.receive(monday)
    town.sweep(monday)
    record_response(
        case.reference,
        summary="Repair booked",
        outcome=Outcome.ANSWERED,
        by="head-housing",
        close=False,
        store=town.store,
        policy=town.policy,
        calendar=town.calendar,
        now=london(2026, 3, 4, 11, 0),
    )
    town.sweep(london(2026, 3, 4, 11, 0))  # the response letter goes
    # As if the index still held the instant written before the response.
    town.store.next_due[case.reference] = london(2026, 3, 9, 14, 0)

    report = town.sweep(london(2026, 3, 9, 14, 0))

    assert report.cases_read == 1 and report.done == []
    assert [s.action for s in town.case(case.reference).sent] == [
        Action.ACKNOWLEDGE.value,
        "formal_response",
    ]
    assert town.store.due_at(case.reference) is None
