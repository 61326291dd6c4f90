"""A letter checked before it goes: the step rehearsed on the case with nothing saved, and the
letter written as the checker will write it."""

from dataclasses import replace
from datetime import timedelta

import pytest

from sla_monitor.cases import Customer, LettersTo, Representative
from sla_monitor.checker.letters import LetterWriter
from sla_monitor.checker.messages import Composer
from sla_monitor.council import load_council
from sla_monitor.directory import default_directory
from sla_monitor.letter_check import letter_pdf, letters_to_check, rehearse
from sla_monitor.staff import ActionNotAllowed, answer_customer

from .test_answering import RECEIVED, new_case


@pytest.fixture
def writer(policy, calendar):
    council = load_council()
    return LetterWriter(
        council=council,
        policy=policy,
        calendar=calendar,
        directory=default_directory(),
        composer=Composer(council),
    )


def test_a_rehearsed_reply_is_written_as_it_will_go_and_nothing_is_saved(
    world, store, calendar, writer
):
    case = new_case(world)
    at = RECEIVED + timedelta(days=1)
    reads_before = store.reads
    stored = store.get_case(case.reference)

    after = rehearse(
        lambda rehearsal: answer_customer(
            case.reference,
            text="Book online.",
            by="waste-officer",
            **world | {"store": rehearsal, "now": at},
        ),
        stored,
    )

    assert not after.is_open  # as the step would leave it
    assert store.reads == reads_before + 1  # the one read above: the rehearsal reads nothing
    assert store.get_case(case.reference) == stored  # and keeps nothing
    [letter] = letters_to_check(stored, after, writer=writer, at=at)
    assert "Book online." in letter.text
    assert letter.to == f"by email to {case.customer.email}"
    assert not letter.with_pdf
    pdf = letter_pdf(
        after, letter.key, writer=writer, council=load_council(), calendar=calendar, at=at
    )
    assert pdf is not None and pdf.startswith(b"%PDF")


def _answer_checked(world, store, writer, case):
    """The one letter answering `case` (stored as given) owes, as the check shows it."""
    store.cases[case.reference] = case
    at = RECEIVED + timedelta(days=1)
    after = rehearse(
        lambda rehearsal: answer_customer(
            case.reference,
            text="Done.",
            by="waste-officer",
            **world | {"store": rehearsal, "now": at},
        ),
        case,
    )
    [letter] = letters_to_check(case, after, writer=writer, at=at)
    return letter


def test_a_letter_to_post_goes_to_the_officer_with_its_pdf(world, store, writer):
    case = new_case(world)
    # No email address: the letter goes to the officer to post, with its PDF.
    case = replace(store.get_case(case.reference), customer=Customer(name="Ann Lee"))
    letter = _answer_checked(world, store, writer, case)
    assert letter.with_pdf and letter.to.startswith("to ")


def test_a_rehearsal_is_refused_as_the_step_would_be(world, store):
    case = new_case(world)
    answer_customer(case.reference, text="Done.", by="waste-officer", **world | {"now": RECEIVED})
    with pytest.raises(ActionNotAllowed, match=r"answered already|closed"):
        rehearse(
            lambda rehearsal: answer_customer(
                case.reference,
                text="Again.",
                by="w",
                **world | {"store": rehearsal, "now": RECEIVED},
            ),
            store.get_case(case.reference),
        )


def test_a_letter_to_the_representative_alone_is_checked_as_it_will_reach_them(
    world, store, writer
):
    case = new_case(world)
    daughter = Representative(
        name="Priya Shah",
        relationship="daughter",
        recorded_at=RECEIVED,
        recorded_by="waste-officer",
        email="priya.shah@example.org",
        consent_how="in writing",
        consent_given_on=RECEIVED.date(),
        letters_to=LettersTo.REPRESENTATIVE,
    )
    letter = _answer_checked(
        world, store, writer, replace(store.get_case(case.reference), representative=daughter)
    )

    assert letter.to == "by email to priya.shah@example.org"
    assert letter.text.startswith("Dear Priya Shah,")
    assert "with the enquiry you made for the customer, you can make a complaint" in letter.text
