"""Letters go to whoever the customer chose: themselves, someone acting for them, or both; and
nothing goes to a representative before the customer's consent is recorded."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from sla_monitor.cases import AccessibleFormat, CaseType, LettersTo, Preferences
from sla_monitor.staff import ActionNotAllowed, reply_to_customer
from sla_monitor.staff.representatives import (
    RepresentativeDetails,
    record_representative,
    remove_representative,
)

from .conftest import RESIDENT, london, text_of
from .test_complaints_procedure import world

MONDAY = london(2026, 3, 2, 10, 0)
DAUGHTER = "priya.shah@example.org"


def represented(town, letters_to, *, consent=True, email=DAUGHTER, address=None, preferences=None):
    case = town.receive(MONDAY, case_type=CaseType.COMPLAINT, preferences=preferences)
    record_representative(
        case.reference,
        RepresentativeDetails(
            name="Priya Shah",
            relationship="daughter",
            email=email,
            address=address,
            consent_how="in writing" if consent else None,
            consent_given_on=date(2026, 2, 27) if consent else None,
            letters_to=letters_to,
        ),
        by="housing-officer",
        now=MONDAY,
        **world(town),
    )
    town.sweep(MONDAY + timedelta(minutes=5))
    return case


def acknowledgement_summary(town, reference):
    return next(
        e for e in town.store.timeline(reference) if e.details.get("action") == "acknowledge"
    )


def test_letters_go_to_the_representative_alone_when_chosen(town):
    case = represented(town, LettersTo.REPRESENTATIVE)

    assert town.mail_to(RESIDENT) == []
    (acknowledgement,) = town.mail_to(DAUGHTER)
    text = text_of(acknowledgement)
    assert text.startswith("Dear Priya Shah,")
    # Spoken to as the one who made the complaint for the customer, not as the customer.
    assert "We received the complaint you made for Ann Example on Monday 2 March 2026" in text
    assert "The complaint you made for Ann Example has been passed to the Head of Service" in text
    assert "your complaint" not in text.lower()
    # The online pages are the customer's own: their link is not given to the representative.
    assert "/your-cases" not in text and "See your case" not in text
    event = acknowledgement_summary(town, case.reference)
    assert "emailed to the customer's representative, Priya Shah (daughter)" in event.summary
    assert event.details["sent_to"] == "the customer's representative, Priya Shah (daughter)"


def test_letters_to_the_representative_follow_the_customers_language_and_format(town):
    case = represented(
        town,
        LettersTo.REPRESENTATIVE,
        preferences=Preferences(language="cy", accessible_format=AccessibleFormat.LARGE_PRINT),
    )

    (acknowledgement,) = town.mail_to(DAUGHTER)
    assert acknowledgement["Content-Language"] == "cy"
    assert [p.get_filename() for p in acknowledgement.iter_attachments()] == [
        f"{case.reference}-letter.pdf"
    ]
    assert "Annwyl Priya Shah" in text_of(acknowledgement)


def test_letters_to_both_copy_the_representative_on_every_one(town):
    case = represented(town, LettersTo.BOTH)
    reply_to_customer(
        case.reference, text="We have booked a visit.", by="housing-officer",
        now=MONDAY + timedelta(hours=1), **world(town),
    )  # fmt: skip
    town.sweep(MONDAY + timedelta(hours=1))

    to_customer = town.mail_to(RESIDENT)
    assert len(to_customer) == 2
    assert [str(m["Subject"]) for m in town.mail_to(DAUGHTER)] == [
        str(m["Subject"]) for m in to_customer
    ]
    letters = [e for e in town.store.timeline(case.reference) if "letter_subject" in e.details]
    summaries = [e.summary for e in letters]
    assert len(summaries) == 2 and all(
        "the customer and their representative, Priya Shah" in s for s in summaries
    )


def test_without_consent_nothing_goes_to_the_representative(town):
    case = represented(town, LettersTo.REPRESENTATIVE, consent=False)

    assert town.mail_to(DAUGHTER) == []
    assert len(town.mail_to(RESIDENT)) == 1
    event = acknowledgement_summary(town, case.reference)
    assert "the customer's consent is not recorded" in event.summary


def test_a_representative_without_email_is_written_to_by_post_through_the_owner(town):
    case = represented(
        town, LettersTo.REPRESENTATIVE, email=None, address="2 Mill Lane, Coalville LE67 3AB"
    )

    assert town.mail_to(RESIDENT) == [] and town.mail_to(DAUGHTER) == []
    event = acknowledgement_summary(town, case.reference)
    assert event.kind == "task_for_owner"
    assert "by post, for the customer's representative, Priya Shah" in event.summary


def test_removing_the_representative_sends_letters_to_the_customer_again(town):
    case = represented(town, LettersTo.REPRESENTATIVE)
    remove_representative(
        case.reference, reason="The customer withdrew consent", by="housing-officer",
        now=MONDAY + timedelta(hours=1), **world(town),
    )  # fmt: skip
    reply_to_customer(
        case.reference, text="We have booked a visit.", by="housing-officer",
        now=MONDAY + timedelta(hours=1), **world(town),
    )  # fmt: skip
    town.sweep(MONDAY + timedelta(hours=1))

    assert len(town.mail_to(DAUGHTER)) == 1  # the acknowledgement, before
    assert len(town.mail_to(RESIDENT)) == 1  # the message, after
    kinds = [e.kind for e in town.store.timeline(case.reference)]
    assert kinds.index("representative_recorded") < kinds.index("representative_removed")
    with pytest.raises(ActionNotAllowed, match="nobody is recorded"):
        remove_representative(
            case.reference, reason="again", by="housing-officer",
            now=MONDAY + timedelta(hours=2), **world(town),
        )  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "argument", "message"),
    [
        ({"name": " "}, "name", "enter the representative's name"),
        ({"email": None}, "email", "at least one way to contact"),
        ({"email": "priya@"}, "email", "correct format"),
        ({"consent_given_on": None}, "consent_given_on", "date the customer gave"),
        ({"consent_given_on": date(2026, 3, 3)}, "consent_given_on", "today or in the past"),
        ({"consent_how": "by pigeon"}, "consent_how", "select how"),
    ],
)
def test_a_representative_is_refused_with_what_to_put_right(town, changes, argument, message):
    case = town.receive(MONDAY)
    details = RepresentativeDetails(
        name="Priya Shah", relationship="daughter", email=DAUGHTER, consent_how="by phone",
        consent_given_on=date(2026, 3, 2), letters_to=LettersTo.BOTH,
    )  # fmt: skip
    with pytest.raises(ActionNotAllowed, match=message) as refused:
        record_representative(
            case.reference, replace(details, **changes), by="housing-officer", now=MONDAY,
            **world(town),
        )  # fmt: skip
    assert refused.value.argument == argument
    assert town.case(case.reference).representative is None


def test_a_representative_with_consent_may_reply_for_the_customer_and_no_longer_once_removed(
    town,
):
    from sla_monitor.cases import Channel
    from sla_monitor.intake import CustomerReply, is_from_customer
    from sla_monitor.replies import record_customer_reply

    awaited = represented(town, LettersTo.BOTH, consent=False)
    assert not is_from_customer(town.case(awaited.reference), DAUGHTER)
    case = represented(town, LettersTo.BOTH)
    assert is_from_customer(town.case(case.reference), DAUGHTER.upper())

    at = MONDAY + timedelta(hours=2)
    reply = CustomerReply(
        reference=case.reference, received_at=at, channel=Channel.EMAIL,
        summary="customer replied by email", body="My mother is still waiting.", sender=DAUGHTER,
    )  # fmt: skip
    record_customer_reply(reply, now=at, **world(town))
    event = next(e for e in town.store.timeline(case.reference) if e.kind == "customer_reply")
    assert event.summary.endswith(", from their representative, Priya Shah")
    # Their address is not taken for the customer's: once removed, they no longer speak for them.
    assert DAUGHTER not in town.case(case.reference).reply_addresses
    remove_representative(
        case.reference, reason="Consent withdrawn", by="housing-officer", now=at, **world(town)
    )
    assert not is_from_customer(town.case(case.reference), DAUGHTER)
