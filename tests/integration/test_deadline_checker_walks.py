"""Cases walked through weeks of simulated time on embedded AWS (moto DynamoDB, SES, S3), with a
sweep every hour: across Christmas, Easter and both daylight-saving changes. What SES recorded
is read back."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sla_monitor.cases import CaseType

from .checker_support import RESIDENT, london, mail_to, receive, ses_sent, sweep_every

pytestmark = pytest.mark.slow(seconds=23)

HEAD_OF_HOUSING = "head.housing@nwleicestershire.gov.uk"
COMPLAINTS_OFFICER = "complaints@nwleicestershire.gov.uk"
CHIEF_EXECUTIVE = "chief.executive@nwleicestershire.gov.uk"
HOUR = timedelta(hours=1)


def recorded(services, reference):
    case = services.store.get_case(reference)
    assert case is not None
    return case


def test_a_complaint_over_christmas_and_new_year(embedded):
    # Wednesday 23 December 2026; Christmas Day is a Friday, Boxing Day a Saturday (so Monday 28
    # is the substitute bank holiday), and New Year's Day a Friday.
    received = london(2026, 12, 23, 10, 0)
    case = receive(embedded, received, case_type=CaseType.COMPLAINT)

    sweep_every(embedded, received, london(2027, 1, 27, 12, 0), HOUR)

    to_customer = mail_to(RESIDENT)
    assert [(m.subject, m.sent_at) for m in to_customer] == [
        (f"{case.reference}: we have received your complaint", received),
        # Ten working days from 23 December: Monday 11 January.
        (f"{case.reference}: progress on your complaint", london(2027, 1, 11, 14, 0)),
        # The response missed, the customer hears sorry and a new date the working day after.
        (
            f"{case.reference}: we are sorry, our reply to your complaint is late",
            london(2027, 1, 12, 14, 0),
        ),
        (f"{case.reference}: progress on your complaint", london(2027, 1, 25, 14, 0)),
        # Twenty working days: referred to the Chief Executive, and the customer told.
        (
            f"{case.reference}: your complaint has been referred to our Chief Executive",
            london(2027, 1, 26, 9, 0),
        ),
    ]
    assert "full reply by Monday 11 January 2027" in to_customer[0].text()
    to_head = [(m.subject, m.sent_at) for m in mail_to(HEAD_OF_HOUSING)]
    assert to_head == [
        (f"{case.reference}: new complaint for Housing", received),
        (
            f"{case.reference}: 2 working days left to reply (due Monday 11 January 2027)",
            london(2027, 1, 7, 9, 0),
        ),
        (
            f"{case.reference}: 1 working day left to reply (due Monday 11 January 2027)",
            london(2027, 1, 8, 9, 0),
        ),
        (
            f"{case.reference}: promise missed, complaint not answered by Monday 11 January 2027",
            london(2027, 1, 12, 9, 0),
        ),
        (
            f"{case.reference}: complaint unresolved after 20 working days, referred to the "
            "Chief Executive",
            london(2027, 1, 26, 9, 0),
        ),
    ]
    assert len(mail_to(CHIEF_EXECUTIVE)) == 1
    assert len(mail_to(COMPLAINTS_OFFICER)) == 3  # handover, breach, referral

    stored = recorded(embedded, case.reference)
    assert stored.acknowledged_at == received
    ses_ids = {m.ses_message_id for m in ses_sent()}
    assert {s.message_id for s in stored.sent} <= ses_ids
    assert len(stored.sent) == len(ses_sent()) == 10
    # The timeline names the SES message id of everything sent.
    timeline = embedded.store.timeline(case.reference)
    sent_events = [e for e in timeline if e.kind == "message_sent"]
    assert {e.details["ses_message_id"] for e in sent_events} == ses_ids


def test_an_enquiry_over_easter_and_the_clocks_going_forward(embedded):
    # Thursday 25 March 2027; Good Friday 26 March, clocks forward Sunday 28, Easter Monday 29.
    received = london(2027, 3, 25, 16, 0)
    case = receive(embedded, received)

    sweep_every(embedded, received, london(2027, 4, 7, 12, 0), HOUR)

    acknowledgement, holding = mail_to(RESIDENT)
    assert acknowledgement.sent_at == received
    assert "full reply by Monday 5 April 2027" in acknowledgement.text()
    # 14:00 British Summer Time on the due day, 13:00 UTC.
    assert holding.sent_at == london(2027, 4, 5, 14, 0)
    assert holding.sent_at.utcoffset() == timedelta(hours=1)
    assert "We now expect to reply by Monday 12 April 2027." in holding.text()
    assert [m.sent_at for m in mail_to(HEAD_OF_HOUSING)] == [
        london(2027, 4, 2, 9, 0),  # warning, the working day before
        london(2027, 4, 6, 9, 0),  # breach, the next working morning
    ]
    stored = recorded(embedded, case.reference)
    assert stored.expected_reply_by == london(2027, 4, 12, 17, 0)


def test_a_complaint_received_as_the_clocks_go_back_waits_for_monday_morning(embedded):
    # Friday 23 October 2026 after the cut-off; the clocks go back on Sunday 25 October.
    received = london(2026, 10, 23, 18, 30)
    case = receive(embedded, received, case_type=CaseType.COMPLAINT)

    reports = sweep_every(embedded, received, london(2026, 10, 27, 0, 0), timedelta(minutes=30))

    [handover] = [m for m in mail_to(HEAD_OF_HOUSING) if "new complaint" in m.subject]
    assert handover.sent_at == london(2026, 10, 26, 9, 0)
    assert handover.sent_at.utcoffset() == timedelta(0)
    assert [m.sent_at for m in mail_to(RESIDENT)] == [received]
    # After the first sweep, the case is read again only when something falls due.
    assert sum(r.cases_read for r in reports) == 2
    assert recorded(embedded, case.reference).was_sent("handover:pass_complaint_to_head_of_service")


@pytest.mark.parametrize(
    ("received", "told"),
    [
        (london(2026, 12, 24, 12, 0), london(2026, 12, 24, 12, 0)),  # office open: at once
        (london(2026, 12, 24, 8, 0), london(2026, 12, 24, 9, 0)),  # before it opens
        # Christmas Eve evening: Christmas Day, the weekend and the Boxing Day substitute pass.
        (london(2026, 12, 24, 17, 0), london(2026, 12, 29, 9, 0)),
        (london(2026, 12, 24, 23, 0), london(2026, 12, 29, 9, 0)),
    ],
)
def test_staff_alerts_wait_for_the_office_to_open(embedded, received, told):
    receive(embedded, received, case_type=CaseType.COMPLAINT)

    sweep_every(embedded, received, london(2026, 12, 30, 0, 0), HOUR)

    [handover] = [m for m in mail_to(HEAD_OF_HOUSING) if "new complaint" in m.subject]
    assert handover.sent_at == told
    assert mail_to(RESIDENT)[0].sent_at == received  # the customer, at once
