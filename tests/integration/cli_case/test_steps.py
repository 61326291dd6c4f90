"""The staff steps of `sla-monitor case` against in-process AWS: assign, extend, respond, pause,
resume, reclassify, note and the actions promised in a response; what each stores and sends at
once, and how a step that does not fit is refused."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from sla_monitor.cases import CaseStatus
from sla_monitor.checker.mailer import SendingUnavailableError, SESMailer
from sla_monitor.checker.wiring import sweep_with
from sla_monitor.runtime import services

from ..checker_support import london, mail_to
from .support import (
    JANE,
    clock,
    event,
    formal_responses,
    log_complaint,
    log_enquiry,
    refused,
    run,
    run_json,
    stored,
)

pytestmark = pytest.mark.slow(seconds=30)


# -- steps ---------------------------------------------------------------------------------------


def test_assign_gives_the_case_to_the_officer_and_tells_them(aws, capsys):
    reference = log_complaint(capsys)
    code, out, _ = run(
        capsys,
        f"assign {reference} --officer jane-smith --as complaints-officer --now 2026-12-01T11:00",
    )
    assert code == 0
    assert out.startswith(f"{reference} assigned to jane-smith\n")
    assert stored(reference).assigned_officer == "jane-smith"
    assigned = event(reference, "assigned")
    assert (assigned.actor, assigned.summary) == ("complaints-officer", "assigned to Jane Smith")
    assert len(mail_to(JANE)) == 1


def test_assigning_to_someone_not_in_the_directory_is_refused(aws, capsys):
    reference = log_complaint(capsys)
    reason = refused(capsys, f"assign {reference} --officer nobody")
    assert reason == "there is no officer 'nobody' in the directory"
    assert stored(reference).assigned_officer is None


def test_extend_moves_the_response_date_once(aws, capsys):
    reference = log_complaint(capsys)
    extended = run_json(
        capsys,
        f"extend {reference} --working-days 5 --reason 'We are waiting for the crew records' "
        "--as jane-smith --now 2026-12-10T10:00",
    )
    assert extended["result"] == (
        f"{reference}: respond to complaint extended by 5 working day(s), now due Tue 22 Dec 2026"
    )
    assert {s["message"] for s in extended["sent"]} == {"case_update", "extension_granted"}

    extension = stored(reference).extensions[0]
    assert (extension.clock, extension.working_days, extension.granted_by) == (
        "respond_to_complaint",
        5,
        "jane-smith",
    )
    assert event(reference, "extended").actor == "jane-smith"
    shown = run_json(capsys, f"show {reference} --now 2026-12-10T10:00")
    assert clock(shown, "respond_to_complaint")["due"] == "2026-12-23T00:00:00+00:00"

    reason = refused(
        capsys, f"extend {reference} --working-days 2 --reason More --now 2026-12-11T10:00"
    )
    assert reason == f"{reference}'s response deadline has been extended once"
    assert len(stored(reference).extensions) == 1


def test_respond_closes_the_case_and_emails_the_formal_response(aws, capsys):
    reference = log_complaint(capsys)
    code, out, _ = run(
        capsys,
        f"respond {reference} --outcome upheld "
        "--summary 'The crew left the bin on the road three weeks running.' "
        "--apology 'We are sorry.' --lessons 'Crews now return bins to the kerb.' "
        "--as jane-smith --now 2026-12-08T10:00",
    )
    assert code == 0
    assert out.startswith(f"{reference}: stage 1 response recorded (upheld); the case is closed\n")
    assert "formal_response" in out

    case = stored(reference)
    assert case.status is CaseStatus.CLOSED
    response = case.responses[0]
    assert (response.outcome.value, response.recorded_by, response.lessons_learned) == (
        "upheld",
        "jane-smith",
        "Crews now return bins to the kerb.",
    )
    assert event(reference, "response_recorded").actor == "jane-smith"

    council = yaml.safe_load(
        resources.files("sla_monitor").joinpath("config/council.yaml").read_text("utf-8")
    )
    [letter] = formal_responses()
    text = letter.text()
    assert "We have upheld your complaint" in text
    assert council["ombudsman"]["name"] in text
    assert council["ombudsman"]["phone"] in text

    reason = refused(
        capsys, f"respond {reference} --outcome upheld --summary Again --now 2026-12-08T11:00"
    )
    assert reason == f"{reference} is closed: it cannot be answered"
    assert len(stored(reference).responses) == 1


def test_a_second_response_to_a_case_kept_open_is_refused(aws, capsys):
    reference = log_complaint(capsys)
    code, _, _ = run(
        capsys,
        f"respond {reference} --outcome not_upheld --summary 'Looked into it' --keep-open "
        "--now 2026-12-08T10:00",
    )
    assert code == 0
    assert stored(reference).is_open
    reason = refused(
        capsys, f"respond {reference} --outcome upheld --summary Again --now 2026-12-08T11:00"
    )
    assert reason == f"{reference} has its stage 1 response already"


def test_pause_resume_reclassify_acknowledged_and_note(aws, capsys):
    reference = log_enquiry(capsys)
    code, out, _ = run(capsys, f"pause {reference} --reason 'Which street?' --now 2026-12-02T10:00")
    assert code == 0
    assert "waiting on the customer: the clocks are paused" in out
    shown = run_json(capsys, f"show {reference} --now 2026-12-02T11:00")
    assert clock(shown, "respond_to_enquiry")["state"] == "paused"

    assert run(capsys, f"resume {reference} --now 2026-12-03T10:00")[0] == 0
    assert stored(reference).open_pause is None
    code, _, _ = run(
        capsys,
        f"reclassify {reference} --type complaint "
        "--reason 'The customer says we missed it before' --now 2026-12-03T11:00",
    )
    assert code == 0
    assert stored(reference).case_type.value == "complaint"
    assert run(capsys, f"acknowledged {reference} --how letter --now 2026-12-03T12:00")[0] == 0
    assert stored(reference).acknowledged_at == london(2026, 12, 3, 12, 0)
    code, _, _ = run(
        capsys, f"note {reference} --text 'Phoned back' --as jane-smith --now 2026-12-03T13:00"
    )
    assert code == 0

    kinds = [(e.kind, e.actor) for e in services().store.timeline(reference)]
    for step in ("paused", "resumed", "reclassified", "acknowledged"):
        assert (step, "administrator") in kinds
    assert ("note", "jane-smith") in kinds


def test_a_step_whose_mail_cannot_go_is_recorded_and_the_mail_stays_owed(aws, capsys, monkeypatch):
    reference = log_complaint(capsys)

    def unavailable(self, outbound):  # type: ignore[no-untyped-def]
        raise SendingUnavailableError("AccountSendingPausedException")

    monkeypatch.setattr(SESMailer, "send", unavailable)
    code, out, err = run(
        capsys,
        f"respond {reference} --outcome upheld --summary 'We got it wrong' --now 2026-12-08T10:00",
    )
    monkeypatch.undo()
    assert code == 0
    assert "stage 1 response recorded" in out
    assert "stays owed for the next scheduled sweep" in err
    assert stored(reference).status is CaseStatus.CLOSED
    assert formal_responses() == []

    sweep_with(services(), london(2026, 12, 8, 10, 5))
    assert len(formal_responses()) == 1


def test_an_extension_after_the_deadline_is_refused_with_the_day_it_was_due(aws, capsys):
    reference = log_complaint(capsys)  # respond by Tue 15 Dec
    reason = refused(
        capsys,
        f"extend {reference} --working-days 5 --reason 'Waiting for the crew' "
        "--now 2026-12-17T10:00",
    )
    assert reason.startswith(
        f"{reference}'s response was due by Tuesday 15 December 2026 and that deadline has passed"
    )
    assert stored(reference).extensions == ()
    shown = run_json(capsys, f"show {reference} --now 2026-12-17T10:00")
    assert clock(shown, "respond_to_complaint")["state"] == "breached"
    assert clock(shown, "respond_to_complaint")["breached_at"] == "2026-12-16T00:00:00+00:00"


def test_actions_promised_in_a_response_keep_the_case_open_until_done(aws, capsys):
    reference = log_complaint(capsys)
    mismatched = refused(
        capsys,
        f"respond {reference} --outcome upheld --summary 'We got it wrong' "
        "--remedy-action 'Repair the bin store' --now 2026-12-08T10:00",
    )
    assert "give each --remedy-action its --remedy-by date" in mismatched
    answered = run_json(
        capsys,
        f"respond {reference} --outcome upheld --summary 'We got it wrong' "
        "--remedy-action 'Repair the bin store' --remedy-by 2027-01-15 "
        "--remedy-action 'Replace the bin' --remedy-by 2026-12-18 --now 2026-12-08T10:00",
    )
    assert answered["result"].endswith("the case is still open")
    code, out, _ = run(capsys, f"show {reference} --now 2026-12-21T10:00")
    assert code == 0
    assert "Actions promised to put things right" in out
    assert "1. Repair the bin store: by Fri 15 Jan 2027; to do" in out
    assert "2. Replace the bin: by Fri 18 Dec 2026; OVERDUE" in out
    done = run_json(
        capsys, f"remedy-done {reference} --action 2 --note 'New bin' --now 2026-12-21T11:00"
    )
    assert done["result"] == f"{reference}: action 2 done (Replace the bin); the case is still open"
    assert "case_update" in {s["message"] for s in done["sent"]}
    last = run_json(capsys, f"remedy-done {reference} --action 1 --now 2027-01-14T11:00")
    assert last["result"].endswith("the case is closed")
    assert not stored(reference).is_open


def test_answer_replies_as_the_answer_and_close_closes_without_a_letter(aws, capsys):
    answered = log_enquiry(capsys)
    code, out, _ = run(
        capsys,
        f"answer {answered} --text 'The garden waste round is on Tuesdays.' "
        "--as jane-smith --now 2026-12-02T10:00",
    )
    assert code == 0
    assert out.startswith(
        f"{answered}: reply to the customer written as its answer; the case is closed\n"
    )
    case = stored(answered)
    assert case.status is CaseStatus.CLOSED and case.responded_at is not None
    assert event(answered, "officer_message").details["answers"] == "yes"
    shown = run_json(capsys, f"show {answered} --now 2026-12-20T10:00")
    assert clock(shown, "respond_to_enquiry")["state"] == "met"

    duplicate = log_enquiry(capsys)
    closed = run_json(
        capsys, f"close {duplicate} --reason duplicate --as jane-smith --now 2026-12-02T10:00"
    )
    assert closed["result"] == (
        f"{duplicate}: closed without a letter (A duplicate of another case)"
    )
    assert closed["sent"] == []
    shown = run_json(capsys, f"show {duplicate} --now 2026-12-20T10:00")
    assert clock(shown, "respond_to_enquiry")["state"] == "closed_without_a_reply"

    complaint = log_complaint(capsys)
    reason = refused(capsys, f"close {complaint} --reason duplicate --now 2026-12-02T10:00")
    assert reason == "the council does not close a complaint without a letter"
    assert stored(complaint).is_open


def test_answer_from_a_reply_template_fills_it_in_from_the_case(aws, capsys):
    answered = log_enquiry(capsys)
    code, out, _ = run(
        capsys,
        f"answer {answered} --template 'answer to an enquiry' --as jane-smith "
        "--now 2026-12-02T10:00",
    )
    assert code == 0, out
    words = event(answered, "officer_message").details["text"]
    assert f"reply to this email quoting {answered}." in words
    assert "((" not in words

    unknown = log_enquiry(capsys)
    code, _, err = run(capsys, f"reply {unknown} --template 'no such template' --as jane-smith")
    assert code != 0 and "no reply template 'no such template'" in err
