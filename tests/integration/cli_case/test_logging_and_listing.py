"""`sla-monitor case log`, `show` and `list` against in-process AWS: what a logged case stores
and sends at once (read back from SES), how it is shown and listed, and how details that cannot
be used are refused."""

from __future__ import annotations

import shlex

import pytest

from sla_monitor.cases import Channel
from sla_monitor.cli.main import main
from sla_monitor.intake import CustomerReply
from sla_monitor.replies import record_customer_reply
from sla_monitor.runtime import services

from ..checker_support import london, mail_to
from .support import (
    NOW,
    RESIDENT,
    clock,
    log_complaint,
    log_enquiry,
    refused,
    run,
    run_json,
    stored,
)

pytestmark = pytest.mark.slow(seconds=18)


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
