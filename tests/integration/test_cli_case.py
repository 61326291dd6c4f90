"""`sla-monitor case ...` against in-process AWS: what each staff step stores, what it sends at
once (read back from SES), and how a step that does not fit is refused."""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator
from importlib import resources
from typing import Any

import pytest
import yaml

from sla_monitor.cases import Case, CaseStatus, Channel, TimelineEvent
from sla_monitor.checker.mailer import SendingUnavailableError, SESMailer
from sla_monitor.checker.wiring import sweep_with
from sla_monitor.cli.main import main
from sla_monitor.intake import CustomerReply
from sla_monitor.replies import record_customer_reply
from sla_monitor.runtime import services

from .checker_support import london, mail_to

pytestmark = pytest.mark.slow(seconds=495)

NOW = "2026-12-01T10:00"  # a Tuesday, in office hours
RESIDENT = "ann@example.org"
JANE = "jane.smith@nwleicestershire.gov.uk"


@pytest.fixture
def aws() -> Iterator[None]:
    """One in-process AWS for the whole test, with a housing officer besides the Heads of
    Service; the commands find it as they would an endpoint."""
    from sla_monitor_local.embedded import embedded_aws

    with embedded_aws():
        added = main(
            shlex.split(
                f"directory add-officer jane-smith --name 'Jane Smith' --email {JANE} "
                "--job-title 'Housing Officer' --department housing --now 2026-11-30T09:00"
            )
        )
        assert added == 0
        yield


def run(capsys, command: str) -> tuple[int, str, str]:
    """`sla-monitor case COMMAND`, as typed."""
    code = main(["case", *shlex.split(command)])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, command: str) -> Any:
    code, out, err = run(capsys, f"{command} --json")
    assert (code, err) == (0, ""), err
    return json.loads(out)


def refused(capsys, command: str) -> str:
    """Runs a step expected to be refused; returns the one-line reason."""
    code, out, err = run(capsys, command)
    assert (code, out) == (2, "")
    assert err.startswith("sla-monitor: ")
    assert err.count("\n") == 1
    return err.removeprefix("sla-monitor: ").strip()


def stored(reference: str) -> Case:
    case = services().store.get_case(reference)
    assert case is not None
    return case


def event(reference: str, kind: str) -> TimelineEvent:
    return next(e for e in services().store.timeline(reference) if e.kind == kind)


def log_complaint(capsys, now: str = NOW, extra: str = "") -> str:
    logged = run_json(
        capsys,
        f"log --channel phone --type complaint --name 'Ann Example' --email {RESIDENT} "
        f"--summary 'The crew left my bin on the road again' --department housing "
        f"--now {now} {extra}",
    )
    reference: str = logged["case"]["reference"]
    return reference


def log_enquiry(capsys, now: str = NOW) -> str:
    logged = run_json(
        capsys,
        "log --channel letter --type enquiry --name 'Bob Resident' "
        "--address '1 High Street, Coalville' --summary 'When is the garden waste round?' "
        f"--department housing --now {now}",
    )
    reference: str = logged["case"]["reference"]
    return reference


def clock(shown: dict, promise: str) -> dict:
    found: dict = next(c for c in shown["clocks"] if c["promise"] == promise)
    return found


def formal_responses() -> list:
    return [m for m in mail_to(RESIDENT) if "response to your complaint" in m.subject]


# -- logging and showing -------------------------------------------------------------------------


def test_a_phone_complaint_is_logged_acknowledged_and_shown(aws, capsys):
    code, out, _ = run(
        capsys,
        f"log --channel phone --type complaint --name 'Ann Example' --email {RESIDENT} "
        "--phone '01530 454545' --summary 'The crew left my bin on the road again' "
        f"--department housing --as jane-smith --now {NOW}",
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == (
        "logged NWL-2026-000001: complaint by telephone, received Tue 1 Dec 2026 10:00"
    )
    assert lines[1] == "  next: respond to complaint, due Tue 15 Dec 2026"
    assert any("acknowledge" in line and "customer (on time)" in line for line in lines)

    case = stored("NWL-2026-000001")
    assert (case.channel, case.customer.phone) == (Channel.TELEPHONE, "01530 454545")
    assert case.received_at == london(2026, 12, 1, 10, 0)
    assert len(mail_to(RESIDENT)) == 1  # the acknowledgement, sent at once

    shown = run_json(capsys, "show NWL-2026-000001 --now 2026-12-02T10:00")
    assert (shown["reference"], shown["status"], shown["stage"]) == ("NWL-2026-000001", "open", 1)
    assert (shown["channel"], shown["customer"]["phone"]) == ("telephone", "01530 454545")
    acknowledge = clock(shown, "acknowledge_complaint")
    assert acknowledge["state"] == "met"
    assert acknowledge["due"] == "2026-12-04T00:00:00+00:00"  # the end of Thu 3 Dec
    respond = clock(shown, "respond_to_complaint")
    assert (respond["state"], respond["due"]) == ("running", "2026-12-16T00:00:00+00:00")
    # Events at the same instant (the acknowledgement went at --now) come in no set order.
    received = next(e for e in shown["timeline"] if e["kind"] == "received")
    assert (received["actor"], received["at"]) == ("jane-smith", "2026-12-01T10:00:00+00:00")
    assert {"message_sent"} <= {e["kind"] for e in shown["timeline"]}


def test_show_as_text_reads_as_the_case_file(aws, capsys):
    reference = log_complaint(capsys, extra="--phone '01530 454545'")
    code, out, _ = run(capsys, f"show {reference} --now 2026-12-02T10:00")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"{reference}  complaint, stage 1, open"
    words = [" ".join(line.split()) for line in lines]
    assert "Customer: Ann Example, ann@example.org, 01530 454545" in words
    assert "respond to complaint stage 1 due Tue 15 Dec 2026" in words
    assert {"Clocks", "Timeline"} <= set(lines)


REPLY_WORDS = "The crew came back today.\n\nThey left the bin on the road again.\n\x1b[31mAnn"


def reply_by_email(reference: str) -> None:
    """What email intake does with the customer's reply to the acknowledgement."""
    bundle = services()
    received = london(2026, 12, 2, 9, 30)
    record_customer_reply(
        CustomerReply(
            reference=reference,
            received_at=received,
            channel=Channel.EMAIL,
            summary="customer replied by email (matched by reference)",
            body=REPLY_WORDS,
            sender=RESIDENT,
        ),
        store=bundle.store,
        policy=bundle.policy,
        calendar=bundle.calendar,
        now=received,
    )


def test_show_gives_every_word_of_a_customers_reply_with_how_and_who_sent_it(aws, capsys):
    reference = log_complaint(capsys)
    reply_by_email(reference)

    code, out, _ = run(capsys, f"show {reference} --now 2026-12-02T10:00")

    assert code == 0
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if "customer replied by email" in line)
    assert lines[start + 1 : start + 8] == [
        "      channel: email",
        f"      sender: {RESIDENT}",
        "      what they wrote:",
        "        The crew came back today.",
        "",
        "        They left the bin on the road again.",
        "        [31mAnn",  # no escape sequence reaches the terminal
    ]
    shown = run_json(capsys, f"show {reference} --now 2026-12-02T10:00")
    [reply] = [e for e in shown["timeline"] if e["kind"] == "customer_reply"]
    assert reply["details"] == {"channel": "email", "body": REPLY_WORDS, "sender": RESIDENT}


def test_a_complaint_without_contact_details_is_refused_and_nothing_is_stored(aws, capsys):
    reason = refused(
        capsys,
        "log --channel in-person --type complaint --name 'Ann Example' "
        "--summary 'Nobody called me back'",
    )
    assert reason.startswith("a formal complaint needs the customer's contact details")
    assert list(services().store.all_cases()) == []


@pytest.mark.parametrize(
    ("details", "reason"),
    [
        ("--email not-an-email", "enter an email address in the correct format"),
        ("--phone 'after six'", "enter a phone number, like 01632 960 001"),
        (
            "--email ann@example.org --contact-method letter",
            "enter the customer's postal address, or choose another way to contact them",
        ),
        (
            "--address '1 High Street' --contact-method phone",
            "enter the customer's phone number, or choose another way to contact them",
        ),
    ],
)
def test_contact_details_that_cannot_be_used_are_refused_and_nothing_is_stored(
    aws, capsys, details, reason
):
    assert refused(
        capsys,
        f"log --channel letter --type enquiry --name 'Ann Example' {details} "
        "--summary 'When is the garden waste round?'",
    ).startswith(reason)
    assert list(services().store.all_cases()) == []


def test_the_customer_s_preferences_are_logged_and_shown(aws, capsys):
    logged = run_json(
        capsys,
        "log --channel visit --type service_request --name 'Gareth Jones' "
        "--phone '01530 454545' --address '2 Forest Road, Coalville' --contact-method phone "
        "--language cy --format large_print --interpreter "
        f"--summary 'Missed collection' --now {NOW}",
    )
    reference = logged["case"]["reference"]
    preferences = stored(reference).preferences
    assert (preferences.language, preferences.accessible_format.value) == ("cy", "large_print")
    assert (preferences.interpreter, preferences.contact_method.value) == (True, "phone")

    code, out, _ = run(capsys, f"show {reference} --now {NOW}")
    words = [" ".join(line.split()) for line in out.splitlines()]
    assert code == 0
    assert "Contact by: phone" in words
    assert "Language: cy" in words
    assert "Format: large print" in words
    assert "Interpreter: asked for" in words
    shown = run_json(capsys, f"show {reference} --now {NOW}")
    assert shown["preferences"] == {
        "contact_method": "phone",
        "language": "cy",
        "accessible_format": "large_print",
        "interpreter": True,
    }


def test_without_a_way_of_contact_the_customer_is_written_to_at_the_address_given(aws, capsys):
    reference = log_enquiry(capsys)  # a letter, with a postal address and no email
    shown = run_json(capsys, f"show {reference} --now {NOW}")
    assert shown["preferences"] == {
        "contact_method": "letter",
        "language": "en",
        "accessible_format": None,
        "interpreter": False,
    }


def test_a_language_that_is_not_a_code_is_a_usage_error(aws, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(shlex.split("case log --channel letter --type enquiry --name A --language Welsh"))
    assert exit_info.value.code == 2
    assert "'Welsh' is not a language code; write it like cy or pl" in capsys.readouterr().err


def test_a_phone_enquiry_is_timed_like_a_written_one(aws, capsys):
    logged = run_json(
        capsys,
        "log --channel phone --type enquiry --name 'Ann Example' --phone '01530 454545' "
        f"--summary 'When is the garden waste round?' --now {NOW}",
    )
    assert logged["case"]["next"]["promise"] == "respond_to_enquiry"
    shown = run_json(capsys, f"show {logged['case']['reference']} --now {NOW}")
    respond = clock(shown, "respond_to_enquiry")
    assert (respond["state"], respond["due"]) == ("running", "2026-12-09T00:00:00+00:00")


def test_an_unknown_reference_is_refused(aws, capsys):
    unknown = "there is no case with the reference NWL-2026-999999"
    assert refused(capsys, "show NWL-2026-999999") == unknown
    assert refused(capsys, "note NWL-2026-999999 --text hello") == unknown


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
    assert (assigned.actor, assigned.summary) == ("complaints-officer", "assigned to jane-smith")
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
    run(capsys, f"respond {reference} --outcome answered --summary Tuesdays --now 2026-12-02T10:00")
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


# -- the work list -------------------------------------------------------------------------------


def test_list_sorts_by_next_deadline_and_filters(aws, capsys):
    first = log_complaint(capsys, now="2026-12-01T10:00")  # respond by Tue 15 Dec
    later = log_complaint(capsys, now="2026-12-03T10:00")  # respond by Thu 17 Dec
    run(capsys, f"assign {later} --officer jane-smith --now 2026-12-03T11:00")
    enquiry = log_enquiry(capsys, now="2026-12-07T10:00")  # respond by Mon 14 Dec
    at = "--now 2026-12-16T12:00"

    listed = run_json(capsys, f"list {at}")
    assert [c["reference"] for c in listed] == [enquiry, first, later]
    assert [c["breached"] for c in listed] == [True, True, False]
    assert listed[0]["next"] == {
        "promise": "respond_to_enquiry",
        "state": "breached",
        "due": "2026-12-15T00:00:00+00:00",
    }

    def references(command: str) -> list[str]:
        return [c["reference"] for c in run_json(capsys, command)]

    assert references(f"list --breached {at}") == [enquiry, first]
    assert references(f"list --officer jane-smith {at}") == [later]
    assert references(f"list --officer head-housing {at}") == [enquiry, first]
    assert references(f"list --mine --as jane-smith --type complaint {at}") == [later]
    assert references(f"list --type enquiry --stage 1 --department housing {at}") == [enquiry]
    # --now is honoured: a week earlier no promise had been broken.
    assert references("list --breached --now 2026-12-09T12:00") == []

    code, out, _ = run(capsys, f"list {at}")
    assert code == 0
    rows = out.splitlines()
    assert rows[0].split() == [
        "REFERENCE",
        "TYPE",
        "STAGE",
        "OWNER",
        "DEPARTMENT",
        "NEXT",
        "DUE",
        "STATE",
    ]
    assert rows[1].startswith(f"  {enquiry}") and rows[1].endswith("BREACHED")
    assert "jane-smith" in rows[3] and not rows[3].endswith("BREACHED")

    # A page at a time: --limit stops after the first cases.
    assert references(f"list --limit 2 {at}") == [enquiry, first]
    # Search: by name, by the subject's words, by reference; newest first.
    assert references(f"list --search 'ann example' {at}") == [later, first]
    assert references(f"list --search 'garden waste' {at}") == [enquiry]
    assert references(f"list --search {first.lower()} {at}") == [first]
    assert references(f"list --search nobody {at}") == []


def test_a_time_that_is_not_iso_is_a_usage_error(aws, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["case", "list", "--now", "yesterday"])
    assert exit_info.value.code == 2
    assert "not an ISO 8601 date-time" in capsys.readouterr().err


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
