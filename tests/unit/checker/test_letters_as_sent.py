"""Every customer letter is kept as it went: its words on the case's timeline, the whole letter
(with its PDF where one was made) under the action that sent it. Never written again from the
templates: a letter as sent does not change when a template does."""

from __future__ import annotations

import contextlib

from sla_monitor.cases import ContactMethod, Customer, Preferences, SentLetter
from sla_monitor.checker.mailer import PermanentSendError

from .conftest import RESIDENT, london, text_of
from .test_exactly_once import Crash, CrashingStore

MONDAY = london(2026, 3, 2, 10, 0)


def sent_events(town, reference: str, kind: str = "message_sent"):
    return [
        e for e in town.store.timeline(reference) if e.kind == kind and "letter_text" in e.details
    ]


def as_sent(email) -> str:
    """The plain-text part's words, with the line ends the letter had before MIME's."""
    return text_of(email).replace("\r\n", "\n")


def test_an_emailed_acknowledgement_is_kept_with_the_words_that_went(town):
    case = town.receive(MONDAY)

    town.sweep(MONDAY)

    [email] = town.mail_to(RESIDENT)
    [event] = sent_events(town, case.reference)
    assert event.details["action"] == "acknowledge"
    assert event.details["letter_subject"] == str(email["Subject"])
    assert event.details["letter_text"] == as_sent(email)
    assert "letter_pdf" not in event.details  # an email alone makes no PDF
    kept = town.store.letter(case.reference, event.details["key"])
    assert kept == SentLetter(subject=str(email["Subject"]), text=as_sent(email), pdf=None)


def test_a_letter_to_post_is_kept_with_its_pdf(town):
    case = town.receive(
        MONDAY,
        customer=Customer(name="Bob Example", address="1 High Street, Coalville"),
        preferences=Preferences(contact_method=ContactMethod.LETTER),
    )

    town.sweep(MONDAY)

    [event] = sent_events(town, case.reference, "task_for_owner")
    assert "Dear Bob Example," in event.details["letter_text"]
    assert event.details["letter_pdf"] == "yes"
    kept = town.store.letter(case.reference, event.details["key"])
    assert kept is not None and kept.pdf is not None and kept.pdf.startswith(b"%PDF-")
    # The PDF kept is the one the owner was sent to post.
    [task] = [m for m in town.mail_to("head.housing@nwleicestershire.gov.uk")]
    [attached] = [p for p in task.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert attached.get_content() == kept.pdf


def test_a_letter_the_mail_service_refused_is_kept_as_it_would_have_gone(town):
    case = town.receive(MONDAY)
    town.mailer.fail_for(RESIDENT, PermanentSendError("MessageRejected"))

    town.sweep(MONDAY)

    [event] = sent_events(town, case.reference, "send_failed")
    assert event.details["letter_text"].startswith("Dear Ann Example,")


def test_a_letter_kept_stays_as_it_went_when_the_case_changes_later(town):
    case = town.receive(MONDAY)
    town.sweep(MONDAY)
    [event] = sent_events(town, case.reference)
    before = event.details["letter_text"]

    town.sweep(london(2026, 3, 9, 10, 0))  # later sweeps send updates, never rewrite the first

    [first, *_] = sent_events(town, case.reference)
    assert first.details["letter_text"] == before


def test_a_letter_recorded_from_an_earlier_sweeps_claim_keeps_its_words(town):
    case = town.receive(MONDAY)
    crashing = CrashingStore(town.store, "save_case")
    with contextlib.suppress(Crash):
        town.sweep(MONDAY, store=crashing)

    town.sweep(MONDAY.replace(minute=30))

    [email] = town.mail_to(RESIDENT)  # sent once
    [event] = sent_events(town, case.reference)
    assert "recovered" in event.details
    assert event.details["letter_text"] == as_sent(email)
