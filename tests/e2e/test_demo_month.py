"""The demo's month, played end to end on embedded AWS, keeps the council's promises."""

from __future__ import annotations

import os
from datetime import datetime
from email import message_from_bytes, policy
from unittest import mock

import pytest
from sla_monitor_local.demo.month import MonthOfCasework, MonthResult
from sla_monitor_local.demo.report import mail_sent_through_ses
from sla_monitor_local.demo.scenario import END, SCRIPT, Email
from sla_monitor_local.embedded import embedded_aws

from sla_monitor.calendar import LONDON
from sla_monitor.engine import Action
from sla_monitor.reports.compliance import tally_promises
from sla_monitor.reports.html import monthly_report_body
from sla_monitor.reports.periods import Month
from sla_monitor.reports.reading import monthly_report

pytestmark = [pytest.mark.e2e, pytest.mark.slow(seconds=46)]


@pytest.fixture(scope="module")
def month():
    quiet = {"POWERTOOLS_LOG_LEVEL": "WARNING", "POWERTOOLS_METRICS_DISABLED": "true"}
    with mock.patch.dict(os.environ, quiet), embedded_aws() as services:
        result = MonthOfCasework(services, on_progress=lambda now: None).play()
        yield services, result, mail_sent_through_ses(services)


def london(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027 if month == 1 else 2026, month, day, hour, minute, tzinfo=LONDON)


def all_cases(services):
    return list(services.store.all_cases())


def rules(services):
    return services.policy, services.calendar, END


def done_for(result: MonthResult, label: str, action: Action):
    reference = result.references[label]
    return [d for d in result.done if d.reference == reference and d.kind is action]


def test_every_email_is_accounted_for(month):
    _, result, _ = month
    emails = [step for step in SCRIPT if isinstance(step, Email)]
    assert set(result.email_outcomes) == {e.label for e in emails}
    assert result.email_outcomes["out-of-office"] == "triage"
    assert result.email_outcomes["bounce"] == "triage"
    assert result.email_outcomes["spam"] == "triage"
    assert result.email_outcomes["missed-bins-reply"] == "reply"
    assert result.email_outcomes["noise-diary"] == "reply"
    assert result.email_outcomes["missed-bins-not-satisfied"] == "reply"
    cases = {label for label, outcome in result.email_outcomes.items() if outcome == "case"}
    assert cases == {
        "missed-bins",
        "planning-question",
        "noisy-neighbour",
        "rude-officer",
        "christmas-bins",
        "park-comment",
        "recycling-again",
    }


def test_every_case_was_swept_without_error(month):
    _, result, _ = month
    assert result.sweep_failures == []


def test_every_acknowledgement_went_out_on_time_and_once(month):
    _, result, _ = month
    acknowledgements = [d for d in result.done if d.kind is Action.ACKNOWLEDGE]
    acknowledged = {d.reference for d in acknowledgements}
    # Every case but none of the triaged mail: no acknowledgement to a robot, no mail loop.
    assert acknowledged == set(result.references.values())
    # Once per case, and once more for the complaint taken to stage 2.
    assert len(acknowledgements) == len(acknowledged) + 1
    assert len({(d.reference, d.key) for d in acknowledgements}) == len(acknowledgements)
    assert all(d.on_time for d in acknowledgements)


def test_the_christmas_eve_email_is_acknowledged_that_evening(month):
    _, result, _ = month
    (ack,) = done_for(result, "christmas-bins", Action.ACKNOWLEDGE)
    assert london(12, 24, 18, 30) <= ack.at <= london(12, 24, 19, 30)


def test_the_unanswered_enquiry_gets_its_holding_update_and_escalation_on_the_right_days(month):
    _, result, _ = month
    # Received Tuesday 15 December: five working days end on Tuesday 22 December.
    (warning,) = done_for(result, "planning-question", Action.WARN_OWNER)
    assert warning.at == london(12, 21, 9, 0)
    (holding,) = done_for(result, "planning-question", Action.SEND_HOLDING_UPDATE)
    assert holding.at == london(12, 22, 14, 0)
    (escalation,) = done_for(result, "planning-question", Action.ESCALATE_TO_HEAD_OF_SERVICE)
    assert escalation.at == london(12, 23, 9, 0)


def test_the_unanswered_complaint_across_christmas(month):
    _, result, _ = month
    # Received Monday 14 December at 16:55; ten working days, skipping Christmas Day and Boxing
    # Day (observed), end on Wednesday 30 December; twenty, skipping New Year's Day too, end on
    # Thursday 14 January.
    warnings = done_for(result, "rude-officer", Action.WARN_OWNER)
    assert [w.at for w in warnings] == [london(12, 24, 9, 0), london(12, 29, 9, 0)]
    updates = done_for(result, "rude-officer", Action.SEND_PROGRESS_UPDATE)
    assert [u.at for u in updates] == [london(12, 30, 14, 0), london(1, 14, 14, 0)]
    (escalation,) = done_for(result, "rude-officer", Action.ESCALATE_TO_HEAD_OF_SERVICE)
    assert escalation.at == london(12, 31, 9, 0)
    (referral,) = done_for(result, "rude-officer", Action.REFER_TO_CHIEF_EXECUTIVE)
    assert referral.at == london(1, 15, 9, 0)


def test_the_unanswered_complaint_s_customer_hears_sorry_and_of_the_referral(month):
    _, result, mail = month
    reference = result.references["rude-officer"]
    # The response was due Wednesday 30 December: the apology goes the working day after.
    (apology,) = done_for(result, "rude-officer", Action.APOLOGISE_FOR_DELAY)
    assert apology.at == london(12, 31, 14, 0)
    [(at, _, text, _)] = mail_to(mail, BROWN, f"{reference}: we are sorry")
    assert at == london(12, 31, 14, 0)
    assert "by Wednesday 30 December 2026, and we have not done so" in text
    # Ten working days from Thursday 31 December, New Year's Day skipped: Friday 15 January.
    assert "We now expect to reply by Friday 15 January 2027." in text
    # Told of the referral when the Chief Executive is.
    (letter,) = done_for(result, "rude-officer", Action.TELL_CUSTOMER_OF_REFERRAL)
    assert letter.at == london(1, 15, 9, 0)
    [(_, _, text, _)] = mail_to(mail, BROWN, "referred to our Chief Executive")
    assert "we have now referred yours" in text


def test_the_extended_complaint_is_answered_in_time_and_never_referred(month):
    services, result, _ = month
    assert done_for(result, "housing-repair", Action.REFER_TO_CHIEF_EXECUTIVE) == []
    assert done_for(result, "housing-repair", Action.ESCALATE_TO_HEAD_OF_SERVICE) == []
    tallies = {t.promise: t.tally for t in tally_promises(all_cases(services), *rules(services))}
    assert tallies["respond_to_complaint"].kept_late == 0


def test_no_message_went_out_twice(month):
    _, result, mail = month
    keys = [(d.reference, d.key) for d in result.done]
    assert len(keys) == len(set(keys))
    message_ids = [message_from_bytes(m.raw, policy=policy.default)["Message-ID"] for m in mail]
    assert len(message_ids) == len(set(message_ids))


def test_the_acknowledgement_mail_is_what_the_customer_needs(month):
    _, result, mail = month
    reference = result.references["missed-bins"]
    (ack,) = [
        m
        for m in mail
        if m.subject == f"{reference}: we have received your complaint"
        and "margaret.hill@example.org" in " ".join(m.recipients)
    ]
    body = message_from_bytes(ack.raw, policy=policy.default).get_body(("plain",)).get_content()
    assert reference in body
    assert "Wednesday 30 December 2026" in body  # the date the reply is due


def mail_to(mail, address: str, subject_has: str):
    """The messages to `address` whose subject has the words, as (sent at, subject, text)."""
    found = []
    for m in mail:
        if address not in " ".join(m.recipients) or subject_has not in m.subject:
            continue
        parsed = message_from_bytes(m.raw, policy=policy.default)
        text = parsed.get_body(("plain",)).get_content()
        found.append((parsed["Date"].datetime.astimezone(LONDON), m.subject, text, parsed))
    return found


HILL = "margaret.hill@example.org"
CCO = "complaints@nwleicestershire.gov.uk"
JO_PATEL = "jo.patel@nwleicestershire.gov.uk"
HEAD_OF_WASTE = "head.waste@nwleicestershire.gov.uk"
BROWN = "sam.brown@example.net"


def test_the_reassigned_officer_and_the_customer_are_told(month):
    _, result, mail = month
    reference = result.references["missed-bins"]
    [(at, _, text, _)] = mail_to(mail, JO_PATEL, f"{reference}: assigned to you")
    assert at == london(12, 16, 9, 15)
    assert "assigned to you by Head of Waste Services" in text
    # First moved to Waste Services from the default department, then given to Jo Patel: the
    # customer hears who deals with it each time.
    moved, reassigned = mail_to(mail, HILL, f"{reference}: an update")
    assert "We have passed your complaint" in moved[2]
    assert "Head of Waste Services, Waste Services is dealing with" in moved[2]
    at, _, text, _ = reassigned
    assert at == london(12, 16, 9, 15)
    assert "Jo Patel, Waste Services Officer, Waste Services is dealing with" in text


def test_the_formal_response_tells_the_customer_what_was_found_and_how_to_go_further(month):
    _, result, mail = month
    reference = result.references["missed-bins"]
    [(at, _, text, _)] = mail_to(mail, HILL, f"{reference}: our response to your complaint")
    assert at == london(12, 22, 15, 0)
    assert "We have upheld your complaint" in text
    assert "round sheet did not show Meadow Lane" in text
    assert "We are sorry that we did not do what we told you we would" in text
    assert "WHAT WE WILL DO TO PUT THINGS RIGHT" in text
    assert "WHAT WE WILL CHANGE" in text
    assert "stage 2" in text and "local councillor" in text
    assert "Local Government and Social Care Ombudsman" in text
    assert "www.lgo.org.uk" in text and "0300 061 0614" in text
    [(at, _, _, _)] = mail_to(mail, CCO, f"{reference}: stage 1 response recorded")
    assert at == london(12, 22, 15, 0)


def test_stage_2_runs_with_its_own_clocks_and_another_officer(month):
    services, result, mail = month
    reference = result.references["missed-bins"]
    # The customer wrote back within the window asking for her complaint to be looked at again:
    # stage 2 started as the email arrived, with nobody left to decide whether it asked.
    assert not mail_to(mail, JO_PATEL, "may be asking for a stage 2 review")
    [(at, _, text, _)] = mail_to(mail, HILL, "we have received your request for a stage 2")
    assert at == london(1, 5, 10, 20)
    # Reviewed by the Corporate Complaints Officer: the Head of Waste Services had stage 1.
    assert "reviewed by Corporate Complaints Officer" in " ".join(text.split())
    assert "Head of Waste Services" not in text
    # Five working days to acknowledge, twenty from then to respond: Tuesday 2 February.
    assert "by Tuesday 2 February 2027" in text
    [(at, _, _, _)] = mail_to(mail, CCO, "stage 2 review of a complaint assigned to you")
    assert at == london(1, 5, 10, 20)
    assert mail_to(mail, CCO, "stage 2 review of a complaint for Waste Services")
    assert mail_to(mail, HEAD_OF_WASTE, "stage 2 review of a complaint for Waste Services")
    [(at, _, text, _)] = mail_to(mail, HILL, f"{reference}: our stage 2 response")
    assert at == london(1, 14, 11, 0)
    assert "We have partly upheld your complaint" in text
    assert "complaints procedure is now finished" in text
    assert "0300 061 0614" in text
    tallies = {t.promise: t.tally for t in tally_promises(all_cases(services), *rules(services))}
    assert (
        tallies["acknowledge_stage_2"].kept_on_time,
        tallies["respond_to_stage_2"].kept_on_time,
    ) == (1, 1)


def test_the_extension_reaches_the_customer_by_post_and_the_complaints_officer(month):
    _, result, mail = month
    reference = result.references["housing-repair"]
    [(at, _, text, _)] = mail_to(mail, CCO, f"{reference}: complaint response deadline extended")
    assert at == london(1, 4, 11, 0)
    assert "waiting for the damp specialist's report" in text
    # Helen Walker asked for letters: her officer gets each one as a PDF to post.
    tasks = mail_to(mail, "head.housing@nwleicestershire.gov.uk", reference)
    pdfs = [
        part
        for (_, _, _, parsed) in tasks
        for part in parsed.iter_attachments()
        if part.get_content_type() == "application/pdf"
    ]
    assert len(pdfs) >= 3  # the extension, a progress update and the formal response
    assert all(p.get_content().startswith(b"%PDF") for p in pdfs)


def test_a_reclassified_request_is_acknowledged_and_handed_over_as_a_complaint(month):
    _, result, mail = month
    reference = result.references["recycling-again"]
    [(at, _, _, _)] = mail_to(
        mail, "d.okafor@example.net", f"{reference}: we have received your complaint"
    )
    assert at == london(1, 6, 10, 30)
    [(at, _, _, _)] = mail_to(mail, CCO, f"{reference}: new complaint for")
    assert at == london(1, 6, 10, 30)


def test_compliments_and_comments_are_passed_on_and_closed(month):
    services, result, mail = month
    for label in ("thank-you", "park-comment"):
        case = services.store.get_case(result.references[label])
        assert case.status.value == "closed"
    assert mail_to(mail, HEAD_OF_WASTE, "a compliment for Waste Services")


def test_december_s_report_reads_december_s_cases_through_the_index(month):
    services, _, _ = month
    report = monthly_report(
        Month(2026, 12),
        store=services.store,
        council=services.council.name,
        policy=services.policy,
        calendar=services.calendar,
        directory=services.directory,
        now=END,
    )
    december = [c for c in all_cases(services) if c.received_at.astimezone(LONDON).month == 12]
    assert report.cases == len(december) > 0
    assert report.promises == tally_promises(december, *rules(services))
    assert "Promises kept: cases received in December 2026" in monthly_report_body(report)


def test_no_digest_calls_a_missed_promise_due(month):
    """A digest never lists as still due a promise whose day has passed: the referral of the
    complaint unanswered across Christmas was due Thursday 14 January; on Friday it is missed."""
    _, result, mail = month
    reference = result.references["rude-officer"]
    digests = mail_to(mail, "@nwleicestershire.gov.uk", "Your cases today")
    assert digests
    for at, _, text, _ in digests:
        for line in text.splitlines():
            if ": due " in line:
                due = datetime.strptime(line.split(": due ", 1)[1].split(" ", 1)[1], "%d %B %Y")
                assert due.date() >= at.date(), (at, line)
    [(_, _, friday, _)] = [d for d in digests if d[0] == london(1, 15, 9, 0) and reference in d[2]]
    assert f"{reference}: missed, was due Thursday 14 January 2027" in friday
    assert f"{reference}: due Thursday 14 January 2027" not in friday


def test_appointments_and_call_backs_are_kept_as_promises(month):
    services, result, sent = month
    rules_of, calendar, end = rules(services)
    [reminder] = done_for(result, "missed-bins", Action.REMIND_OF_APPOINTMENT)
    assert calendar.local(reminder.at).date().isoformat() == "2026-12-16"
    [late] = [
        message_from_bytes(m.raw, policy=policy.default)
        for m in sent
        if "gareth.jones@example.org" in m.recipients and "running late" in m.subject
    ]
    text = late.get_body(preferencelist=("plain",)).get_content()
    assert "at about 2:25pm, about 25 minutes late" in text
    [escalated] = done_for(result, "phone-complaint", Action.ESCALATE_CALL_BACK)
    assert calendar.local(escalated.at).strftime("%Y-%m-%d %H:%M") == "2027-01-06 15:00"
    rows = {
        t.promise: t.tally
        for t in tally_promises(all_cases(services), rules_of, calendar, end)
        if t.promise in ("appointment_on_time", "call_back")
    }
    appointments = rows["appointment_on_time"]
    assert (appointments.kept_on_time, appointments.kept_late) == (1, 1)
    assert rows["call_back"].breached == 1
