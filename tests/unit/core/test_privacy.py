"""A person's rights over their data: everything held about them found by its indexes and
pointers, their details corrected as new facts, and erasure keeping every report's figures."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from sla_monitor.cases import CaseType, Channel, Customer, LettersTo, Outcome, SentLetter
from sla_monitor.directory import default_directory
from sla_monitor.intake import Attachment, NewCase, register_case
from sla_monitor.privacy.erasure import (
    TOMBSTONE,
    Correction,
    Request,
    erase_person,
    rectify_person,
)
from sla_monitor.privacy.holdings import Person, Standing, find_person
from sla_monitor.reports.periods import Month, ReportYear
from sla_monitor.reports.reading import annual_report, monthly_report
from sla_monitor.staff import ActionNotAllowed, answer_customer, record_response
from sla_monitor.staff.legal_hold import CaseOnHold, lift_legal_hold, place_legal_hold
from sla_monitor.staff.representatives import RepresentativeDetails, record_representative
from sla_monitor.store.ports import SignInLink, customer_key
from sla_monitor.triage import ClassificationExample, TriageRecord

from .builders import london

RECEIVED = london(2026, 11, 23, 10, 0)  # Monday
ANSWERED = RECEIVED + timedelta(days=2)
LATER = london(2027, 1, 11, 9, 0)
ANN = "ann@example.org"
PRIYA = "priya@example.org"
REQUEST = Request(reason="asked under UK GDPR article 17", requested_by="SAR-2027-004", by="dpo")


class Shredder:
    def __init__(self) -> None:
        self.deleted: list[str] = []

    def read(self, location: str) -> bytes | None:
        return None

    def delete(self, location: str) -> None:
        self.deleted.append(location)


def a_case(world, *, email=ANN, name="Ann Example", case_type=CaseType.ENQUIRY, files=()):
    return register_case(
        NewCase(
            case_type=case_type,
            channel=Channel.EMAIL,
            received_at=RECEIVED,
            subject="Missed bin at 4 Elm Road",
            description="The bin was not emptied again.",
            customer=Customer(name=name, email=email),
            attachments=files,
        ),
        now=RECEIVED,
        **world,
    ).case


@pytest.fixture
def held(world, store):
    """Ann's enquiry, answered, with a photo and the raw email; her complaint, answered, with
    her daughter acting for her; the daughter's own enquiry; another Ann Example's case; mail
    set aside from Ann's address, a sign-in link, a classifier example and a letter kept."""
    photo = Attachment("photo.jpg", "image/jpeg", 10, "attachments/t1/001-photo.jpg")
    raw = Attachment("original-email.eml", "message/rfc822", 99, "inbound/t1")
    enquiry = a_case(world, files=(raw, photo))
    answer_customer(
        enquiry.reference, text="Emptied today.", by="waste-officer", now=ANSWERED, **world
    )
    complaint = a_case(world, case_type=CaseType.COMPLAINT)
    record_representative(
        complaint.reference,
        RepresentativeDetails(
            name="Priya Example",
            relationship="daughter",
            email=PRIYA,
            consent_how="in writing",
            consent_given_on=date(2026, 11, 22),
            letters_to=LettersTo.BOTH,
        ),
        by="waste-officer",
        now=RECEIVED,
        **world,
    )
    record_response(
        complaint.reference,
        summary="The crew missed the road.",
        outcome=Outcome.UPHELD,
        apology="We are sorry, Mrs Example.",
        lessons_learned="Check the round sheet.",
        by="head-waste-services",
        now=ANSWERED,
        **world,
    )
    own = a_case(world, email=PRIYA, name="Priya Example")
    namesake = a_case(world, email="other.ann@example.net")
    store.keep_letter(enquiry.reference, "respond", SentLetter("Your enquiry", "Dear Ann"))
    store.keep_classification_example(
        ClassificationExample(
            enquiry.reference,
            "Missed bin",
            "not emptied",
            CaseType.ENQUIRY,
            CaseType.ENQUIRY,
            ANSWERED,
        )
    )
    store.record_triage(
        TriageRecord("k1", RECEIVED, "auto_reply", ANN, "Out of office", "s3://mail/inbound/t9")
    )
    store.keep_sign_in_link(
        SignInLink("d" * 64, customer_key(ANN), RECEIVED, RECEIVED + timedelta(minutes=20), None)
    )
    return enquiry, complaint, own, namesake


def test_everything_held_about_a_person_is_found_by_their_address(held, store):
    enquiry, complaint, _, _ = held

    found = find_person(Person(email=" Ann@Example.org"), store=store)

    assert [(h.case.reference, h.standing) for h in found.cases] == [
        (enquiry.reference, Standing.CUSTOMER),
        (complaint.reference, Standing.CUSTOMER),
    ]
    first = found.cases[0]
    assert [f.key for f in first.files] == ["inbound/t1", "attachments/t1/001-photo.jpg"]
    assert [letter.subject for _, letter in first.letters] == ["Your enquiry"]
    assert first.example is not None
    assert [r.idempotency_key for r in found.triage] == ["k1"]
    assert [link.token_digest for link in found.sign_in_links] == ["d" * 64]
    kinds = {r.kind for r in found.records()}
    assert kinds >= {
        "case",
        "file",
        "letter",
        "classifier example",
        "mail set aside",
        "sign-in link",
    }
    assert all(r.why for r in found.records())


def test_a_representative_and_a_namesake_are_told_apart(held, store):
    _, complaint, own, namesake = held

    as_priya = find_person(Person(email=PRIYA), store=store)
    by_name = find_person(Person(name="Ann Example"), store=store)

    assert {(h.case.reference, h.standing) for h in as_priya.cases} == {
        (complaint.reference, Standing.REPRESENTATIVE),
        (own.reference, Standing.CUSTOMER),
    }
    assert namesake.reference in {h.case.reference for h in by_name.cases}
    assert {h.standing for h in by_name.cases} == {Standing.NAME_ONLY}


def test_erasure_keeps_every_reports_figures_and_leaves_only_a_tombstone(
    held, world, store, policy, calendar
):
    enquiry, complaint, own, namesake = held
    reports = {
        "council": "North West Leicestershire District Council",
        "store": store,
        "policy": policy,
        "calendar": calendar,
        "directory": default_directory(),
        "now": LATER,
    }
    month = Month(2026, 11)
    year = ReportYear(start=Month(2026, 4), financial=True)
    before = (monthly_report(month, **reports), annual_report(year, **reports))
    shredder = Shredder()

    plan = erase_person(Person(email=ANN), REQUEST, files=shredder, now=LATER, **world)

    assert plan.done and plan.cases == (enquiry.reference, complaint.reference)
    assert (monthly_report(month, **reports), annual_report(year, **reports)) == before
    erased = store.get_case(complaint.reference)
    assert erased.customer == Customer(name=TOMBSTONE)
    assert erased.representative is None and erased.subject == TOMBSTONE
    assert erased.responses[0].outcome is Outcome.UPHELD
    assert erased.responses[0].apology == TOMBSTONE
    assert erased.responses[0].lessons_learned == "Check the round sheet."
    timeline = store.timeline(enquiry.reference)
    assert "Emptied today." not in repr(timeline) and "Elm Road" not in repr(timeline)
    assert timeline[-1].kind == "personal_data_erased"
    assert timeline[-1].details["requested_by"] == "SAR-2027-004"
    assert sorted(shredder.deleted) == [
        "attachments/t1/001-photo.jpg",
        "inbound/t1",
        "s3://mail/inbound/t9",
    ]
    after = find_person(Person(email=ANN), store=store)
    assert (after.cases, after.triage, after.sign_in_links) == ((), (), ())
    assert store.letters_of(enquiry.reference) == []
    assert store.classification_example(enquiry.reference) is None
    # Their daughter's own case, and the namesake's, are untouched.
    assert store.get_case(own.reference).customer.email == PRIYA
    assert store.get_case(namesake.reference).customer.name == "Ann Example"


def test_a_dry_run_changes_nothing(held, world, store):
    enquiry, _, _, _ = held
    shredder = Shredder()

    plan = erase_person(
        Person(email=ANN), REQUEST, files=shredder, now=LATER, dry_run=True, **world
    )

    assert not plan.done and plan.letters == 1 and plan.triage == 1
    assert len(plan.files) == 3 and shredder.deleted == []
    assert store.get_case(enquiry.reference).customer.email == ANN


def test_erasure_is_refused_while_a_legal_hold_stands_and_while_a_case_is_open(held, world, store):
    _, complaint, own, _ = held
    place_legal_hold(
        complaint.reference, reason="Ombudsman", by="complaints-officer", now=LATER, **world
    )

    with pytest.raises(CaseOnHold, match="on legal hold"):
        erase_person(Person(email=ANN), REQUEST, files=Shredder(), now=LATER, **world)
    assert store.get_case(complaint.reference).customer.email == ANN

    lift_legal_hold(
        complaint.reference, reason="Closed", by="complaints-officer", now=LATER, **world
    )
    with pytest.raises(ActionNotAllowed, match=f"{own.reference} is still open"):
        erase_person(Person(email=PRIYA), REQUEST, files=Shredder(), now=LATER, **world)


def test_details_are_corrected_as_new_facts_on_every_case(held, world, store):
    enquiry, complaint, _, _ = held
    before = store.timeline(enquiry.reference)

    corrected = rectify_person(
        Person(email=ANN),
        Correction(email="ann.new@example.org", phone="01530 454545"),
        REQUEST,
        now=LATER,
        **world,
    )

    assert corrected == [enquiry.reference, complaint.reference]
    case = store.get_case(enquiry.reference)
    assert (case.customer.email, case.customer.phone) == ("ann.new@example.org", "01530 454545")
    timeline = store.timeline(enquiry.reference)
    assert timeline[: len(before)] == before
    assert timeline[-1].kind == "contact_details_corrected"
    assert timeline[-1].summary.startswith("email, phone corrected")
    assert [
        h.case.reference
        for h in find_person(Person(email="ann.new@example.org"), store=store).cases
    ] == corrected
    rep = rectify_person(
        Person(email=PRIYA), Correction(name="Priya Shah"), REQUEST, now=LATER, **world
    )
    assert complaint.reference in rep
    assert store.get_case(complaint.reference).representative.name == "Priya Shah"
    with pytest.raises(ActionNotAllowed, match="at least one detail"):
        rectify_person(Person(email=ANN), Correction(), REQUEST, now=LATER, **world)


def test_a_request_names_who_asked_and_why(world, store):
    with pytest.raises(ActionNotAllowed, match="say why"):
        erase_person(
            Person(email=ANN),
            replace(REQUEST, reason=" "),
            files=Shredder(),
            now=LATER,
            **world,
        )


def test_a_representative_is_erased_from_the_case_they_acted_on_and_the_case_stays(
    held, world, store
):
    _, complaint, own, _ = held
    answer_customer(own.reference, text="Done.", by="waste-officer", now=ANSWERED, **world)

    plan = erase_person(Person(email=PRIYA), REQUEST, files=Shredder(), now=LATER, **world)

    assert plan.representative_of == (complaint.reference,)
    case = store.get_case(complaint.reference)
    assert case.representative is None and case.customer.email == ANN
    timeline = repr(store.timeline(complaint.reference))
    assert "Priya" not in timeline and PRIYA not in timeline
    assert "Ann Example" in repr(case)
