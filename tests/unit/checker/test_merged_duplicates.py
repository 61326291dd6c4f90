"""The letter a duplicate's customer gets when it is merged into its original: which reference
their message now lives under, in their own language."""

from __future__ import annotations

from datetime import timedelta

from sla_monitor.cases import Customer, Preferences
from sla_monitor.staff.duplicates import merge_case

from .conftest import RESIDENT, london, text_of
from .test_complaints_procedure import world

MONDAY = london(2026, 3, 2, 10, 0)
NEIGHBOUR = "neighbour@example.org"


def test_the_duplicates_customer_is_told_which_reference_their_message_lives_under(town):
    original = town.receive(MONDAY)
    duplicate = town.receive(
        MONDAY, customer=Customer(name="Bea Neighbour", email=NEIGHBOUR), subject="Damp"
    )
    town.sweep(MONDAY + timedelta(minutes=5))  # both acknowledged
    at = MONDAY + timedelta(hours=1)

    merge_case(
        duplicate.reference, original.reference, by="housing-officer", now=at,
        different_customer_confirmed=True, **world(town),
    )  # fmt: skip
    town.sweep(at)

    letter = town.mail_to(NEIGHBOUR)[-1]
    assert str(letter["Subject"]) == (
        f"{duplicate.reference}: we are dealing with it under {original.reference}"
    )
    text = text_of(letter)
    assert text.startswith("Dear Bea Neighbour,")
    assert f"reference {original.reference}, so we have joined the two" in text
    assert f"Please quote {original.reference} if you contact us about this." in text
    assert "is dealing with your" not in text  # the closed duplicate's officer is not named
    assert len(town.mail_to(RESIDENT)) == 1  # the original's customer: their acknowledgement only


def test_a_welsh_speaker_is_told_in_welsh(town):
    original = town.receive(MONDAY)
    duplicate = town.receive(
        MONDAY,
        customer=Customer(name="Bea Neighbour", email=NEIGHBOUR),
        preferences=Preferences(language="cy"),
    )
    merge_case(
        duplicate.reference, original.reference, by="housing-officer", now=MONDAY,
        different_customer_confirmed=True, **world(town),
    )  # fmt: skip
    town.sweep(MONDAY + timedelta(minutes=5))

    letter = town.mail_to(NEIGHBOUR)[-1]
    assert str(letter["Subject"]) == (
        f"{duplicate.reference}: rydym yn delio ag ef o dan {original.reference}"
    )
    assert f"Nodwch {original.reference} os byddwch yn cysylltu" in text_of(letter)
