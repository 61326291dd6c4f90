"""Stage 2, the Ombudsman and refusals through `sla-monitor case` against in-process AWS: who
may review a complaint at stage 2, a possible stage 2 request declined with the reason, and a
complaint refused with the reason sent to the customer."""

from __future__ import annotations

import pytest

from sla_monitor.cases import CaseStatus, Channel
from sla_monitor.intake import CustomerReply
from sla_monitor.replies import record_customer_reply
from sla_monitor.runtime import services

from ..checker_support import london, mail_to
from .support import (
    NOW,
    RESIDENT,
    clock,
    event,
    log_complaint,
    log_enquiry,
    refused,
    run,
    run_json,
    stored,
)

pytestmark = pytest.mark.slow(seconds=29)


def test_stage_2_goes_to_another_officer_and_never_the_stage_1_officer(aws, capsys):
    reference = log_complaint(capsys)
    run(capsys, f"assign {reference} --officer jane-smith --now 2026-12-01T11:00")
    run(
        capsys,
        f"respond {reference} --outcome not_upheld --summary 'Bins were out' --as jane-smith "
        "--now 2026-12-08T10:00",
    )

    reason = refused(
        capsys,
        f"stage-2 {reference} --reason 'Not happy' --officer jane-smith --now 2026-12-09T10:00",
    )
    assert reason == f"jane-smith handled stage 1 of {reference}: stage 2 needs a different officer"
    # The Head of Service was handed stage 1 (and named to the customer while unassigned).
    reason = refused(
        capsys,
        f"stage-2 {reference} --reason 'Not happy' --officer head-housing --now 2026-12-09T10:00",
    )
    assert reason == (
        f"head-housing handled stage 1 of {reference}: stage 2 needs a different officer"
    )
    assert stored(reference).stage == 1

    code, out, _ = run(
        capsys,
        f"stage-2 {reference} --reason 'The bins were not out' --channel phone "
        "--as complaints-officer --now 2026-12-09T10:00",
    )
    assert code == 0
    assert out.startswith(f"{reference} is at stage 2, for review by complaints-officer\n")
    case = stored(reference)
    assert (case.stage, case.status, case.assigned_officer) == (
        2,
        CaseStatus.OPEN,
        "complaints-officer",
    )
    assert case.stage_2 is not None and case.stage_2.channel is Channel.TELEPHONE
    assert event(reference, "stage_2_requested").actor == "complaints-officer"
    shown = run_json(capsys, f"show {reference} --now 2026-12-09T10:00")
    assert clock(shown, "respond_to_stage_2")["state"] == "running"


def test_a_reply_that_may_ask_for_stage_2_is_listed_and_declined_with_the_reason(aws, capsys):
    reference = log_complaint(capsys)
    run(capsys, f"respond {reference} --outcome not_upheld --summary 'Bins were out' --now {NOW}")
    bundle = services()
    record_customer_reply(
        CustomerReply(
            reference=reference,
            received_at=london(2026, 12, 2, 9, 30),
            channel=Channel.EMAIL,
            summary="customer replied by email",
            body="I am not happy with this.",
        ),
        store=bundle.store,
        policy=bundle.policy,
        calendar=bundle.calendar,
        directory=bundle.directory,
        now=london(2026, 12, 2, 9, 30),
    )

    # Waiting for a decision: in the list, first, and saying what it waits for.
    listed = run_json(capsys, "list --now 2026-12-02T10:00")
    assert [c["reference"] for c in listed] == [reference]
    assert listed[0]["possible_stage_2_request"] == "2026-12-02T09:30:00+00:00"
    code, out, _ = run(capsys, "list --now 2026-12-02T10:00")
    assert code == 0
    assert "possible stage 2 request" in out and "to decide" in out

    done = run_json(
        capsys,
        f"decline-stage-2 {reference} --reason 'Your message was about a new bin, now ordered.' "
        "--as complaints-officer --now 2026-12-02T11:00",
    )
    assert done["result"] == f"{reference} is not taken to stage 2; the case is closed"
    assert done["case"]["status"] == "closed"
    assert "stage_2_declined" in [s["message"] for s in done["sent"]]
    case = stored(reference)
    assert (case.status, case.possible_stage_2_at) == (CaseStatus.CLOSED, None)
    assert event(reference, "stage_2_declined").actor == "complaints-officer"
    [letter] = [m for m in mail_to(RESIDENT) if "not be reviewed at stage 2" in m.subject]
    text = " ".join(letter.text().split())
    assert "Your message was about a new bin, now ordered." in text
    assert "www.lgo.org.uk" in text and "0300 061 0614" in text
    assert run_json(capsys, "list --now 2026-12-02T11:00") == []

    reason = refused(capsys, f"decline-stage-2 {reference} --reason again --now 2026-12-02T12:00")
    assert reason == f"{reference} has no stage 2 request to decide on"


def test_a_stage_2_review_can_be_declined_and_shows_who_declined_it(aws, capsys):
    reference = log_complaint(capsys)
    run(capsys, f"respond {reference} --outcome not_upheld --summary 'Bins were out' --now {NOW}")
    run(capsys, f"stage-2 {reference} --reason 'Please update my address' --now 2026-12-02T10:00")

    code, out, _ = run(
        capsys,
        f"decline-stage-2 {reference} --reason 'We have updated your address.' "
        "--as complaints-officer --now 2026-12-02T11:00",
    )

    assert code == 0
    assert out.startswith(f"{reference} is not taken to stage 2; the case is closed\n")
    review = stored(reference).stage_2
    assert review is not None
    assert (review.declined_by, review.declined_reason) == (
        "complaints-officer",
        "We have updated your address.",
    )
    shown = run_json(capsys, f"show {reference} --now 2026-12-02T11:00")
    assert shown["stage_2"]["declined_by"] == "complaints-officer"
    assert clock(shown, "respond_to_stage_2")["state"] == "met"
    code, out, _ = run(capsys, f"show {reference} --now 2026-12-02T11:00")
    assert code == 0
    assert "declined by complaints-officer" in out


def test_stage_2_of_an_enquiry_is_refused(aws, capsys):
    reference = log_enquiry(capsys)
    run(capsys, f"answer {reference} --text Tuesdays --now 2026-12-02T10:00")
    reason = refused(capsys, f"stage-2 {reference} --reason x --now 2026-12-03T10:00")
    assert reason == f"{reference} is an enquiry: only a complaint goes to stage 2"


def test_a_complaint_taken_to_the_ombudsman_is_kept_on_the_case(aws, capsys):
    reference = log_complaint(capsys)
    code, out, err = run(
        capsys,
        f"ombudsman {reference} --reference '26 012 345' --as complaints-officer "
        "--now 2027-02-01T10:00",
    )
    assert (code, err) == (0, "")
    assert out.startswith(f"{reference}: taken to the Ombudsman (their reference 26 012 345)\n")
    shown = run_json(capsys, f"show {reference} --now 2027-02-01T11:00")
    assert shown["ombudsman_referral"]["reference"] == "26 012 345"
    assert event(reference, "ombudsman_referral").actor == "complaints-officer"
    reason = refused(capsys, f"ombudsman {reference} --reference again --now 2027-02-02T10:00")
    assert reason == f"{reference} was referred to the Ombudsman already (26 012 345)"


def test_a_complaint_refused_is_closed_and_the_customer_sent_the_reason(aws, capsys):
    reference = log_complaint(capsys)

    code, out, err = run(
        capsys,
        f"refuse {reference} --reason 'the matter is before the county court' "
        "--as complaints-officer --now 2026-12-02T10:00",
    )

    assert (code, err) == (0, "")
    assert out.startswith(
        f"{reference}: complaint refused and closed; the customer is sent the reason\n"
    )
    case = stored(reference)
    assert case.status is CaseStatus.CLOSED
    assert case.refusal is not None
    assert (case.refusal.reason, case.refusal.refused_by) == (
        "the matter is before the county court",
        "complaints-officer",
    )
    assert event(reference, "complaint_refused").details == {
        "reason": "the matter is before the county court"
    }
    [letter] = [m for m in mail_to(RESIDENT) if "our decision about your complaint" in m.subject]
    text = letter.text()
    assert "the matter is before the county court" in text
    assert "Local Government and Social Care Ombudsman" in text and "0300 061 0614" in text
    shown = run_json(capsys, f"show {reference} --now 2026-12-03T10:00")
    assert shown["refusal"]["reason"] == "the matter is before the county court"
    assert shown["refusal"]["refused_by"] == "complaints-officer"
    _, text, _ = run(capsys, f"show {reference} --now 2026-12-03T10:00")
    assert "Refused:" in text and "the matter is before the county court" in text
    reason = refused(capsys, f"refuse {reference} --reason again --now 2026-12-03T10:00")
    assert reason == f"{reference} is closed: it cannot be refused"


def test_refusing_says_what_it_did_in_json_and_an_enquiry_is_not_refused(aws, capsys):
    reference = log_complaint(capsys)
    done = run_json(
        capsys, f"refuse {reference} --reason 'older than 12 months' --now 2026-12-02T10:00"
    )
    assert done["action"] == "refuse"
    assert done["case"]["status"] == "closed"

    enquiry = log_enquiry(capsys)
    reason = refused(capsys, f"refuse {enquiry} --reason x --now 2026-12-02T10:00")
    assert reason == f"{enquiry} is an enquiry: only a complaint is refused"
    with pytest.raises(SystemExit):  # argparse: --reason is required
        run(capsys, f"refuse {enquiry} --now 2026-12-02T10:00")
    assert "--reason" in capsys.readouterr().err


def test_an_enquiry_is_not_given_a_formal_response(aws, capsys):
    reference = log_enquiry(capsys)

    reason = refused(
        capsys, f"respond {reference} --outcome answered --summary Tuesdays --now 2026-12-02T10:00"
    )

    assert reason == (
        f"{reference} is an enquiry: it is answered with `answer`, or closed with `close`; the "
        "formal response is for complaints"
    )
    assert stored(reference).is_open
