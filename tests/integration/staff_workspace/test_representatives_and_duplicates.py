"""Someone acting for the customer, related cases and merged duplicates in the workspace, over
HTTP on the local stack: the forms, their errors beside the fields, what the case pages then
show, where letters go, and a case named in the form that the viewer may not work on."""

from __future__ import annotations

import html
import re

from ..checker_support import mail_to

DAUGHTER = "amara.okafor@example.org"


def words(body: str) -> str:
    """A page's text as a person reads it: no tags, one space between words."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_letters_go_to_the_representative_the_officer_records(stack, browsers):
    reference = stack.sample_cases["garden"]
    officer = browsers["officer"]
    fields = {
        "name": "Amara Okafor",
        "relationship": "daughter",
        "email": DAUGHTER,
        "consent_how": "in writing",
        "letters_to": "representative",
    }

    missing_date = officer.submit(f"/cases/{reference}/representative", fields)
    assert missing_date.status == 400
    assert 'href="#consent_given_on-day">Enter the date the customer gave consent' in (
        missing_date.body
    )
    assert stack.services.store.get_case(reference).representative is None

    dated = {
        "consent_given_on-day": "1",
        "consent_given_on-month": "12",
        "consent_given_on-year": "2026",
    }
    answer = officer.submit(f"/cases/{reference}/representative", {**fields, **dated})
    assert answer.status == 303, answer.body[:500]
    page = words(officer.follow(answer.location).body)
    assert "Who acts for the customer has been recorded" in page
    assert "Consent given in writing on Tuesday 1 December 2026" in page
    assert "The representative" in page

    officer.submit(
        f"/cases/{reference}/reply", {"text": "We will empty the bin on Friday.", "confirm": "yes"}
    )
    assert len(mail_to(DAUGHTER)) == 1
    page = words(officer.get(f"/cases/{reference}").body)
    assert "emailed to the customer's representative, Amara Okafor (daughter)" in page


def test_a_duplicate_merged_into_its_original_shows_on_both_pages(stack, browsers):
    duplicate, original = stack.sample_cases["bulky"], stack.sample_cases["bins"]
    officer = browsers["officer"]

    unconfirmed = officer.submit(f"/cases/{duplicate}/merge", {"reference": original})
    assert unconfirmed.status == 400
    assert "has another customer's contact details" in html.unescape(unconfirmed.body)
    assert stack.services.store.get_case(duplicate).is_open

    merged = officer.submit(f"/cases/{duplicate}/merge", {"reference": original, "confirm": "yes"})
    assert merged.status == 303, merged.body[:500]
    # The duplicate's customer is told at once which reference their message now lives under.
    subjects = [m.subject for m in mail_to("priya.shah@example.org")]
    assert f"{duplicate}: we are dealing with it under {original}" in subjects
    closed = words(officer.follow(merged.location).body)
    assert f"Merged into {original} as a duplicate, and closed." in closed
    page = words(officer.get(f"/cases/{original}").body)
    assert "Duplicates merged into this case" in page
    assert f"From {duplicate}, merged into this case" in page
    assert "How do I book a bulky waste collection?" in page  # the duplicate's first message


def test_linking_to_a_case_the_viewer_may_not_work_on_is_refused(stack, browsers):
    reference, housing = stack.sample_cases["garden"], stack.sample_cases["damp"]
    answer = browsers["officer"].submit(f"/cases/{reference}/link", {"reference": housing})
    assert answer.status == 403
    assert stack.services.store.get_case(reference).linked_cases == ()

    linked = browsers["officer"].submit(
        f"/cases/{reference}/link", {"reference": stack.sample_cases["bins"]}
    )
    assert linked.status == 303
    page = words(browsers["officer"].get(f"/cases/{stack.sample_cases['bins']}").body)
    assert (
        f"Linked {reference} Garden waste bin not emptied on Tuesday Service request, open" in page
    )


def test_linked_cases_are_unlinked_from_either_page(stack, browsers):
    reference, other = stack.sample_cases["garden"], stack.sample_cases["fence"]
    officer = browsers["officer"]
    assert officer.get(f"/cases/{other}/unlink").status != 200  # nothing linked to it yet
    officer.submit(f"/cases/{reference}/link", {"reference": other})

    form = officer.get(f"/cases/{other}/unlink")
    assert form.status == 200 and f'value="{reference}"' in form.body
    unchosen = officer.submit(f"/cases/{other}/unlink", {})
    assert unchosen.status == 400
    assert 'href="#reference">Select the case to unlink' in unchosen.body

    answer = officer.submit(f"/cases/{other}/unlink", {"reference": reference})
    assert answer.status == 303, answer.body[:500]
    page = words(officer.follow(answer.location).body)
    assert "The cases are no longer linked" in page and "Related cases" not in page
    assert f"no longer linked to {other}" in words(officer.get(f"/cases/{reference}").body)
    assert other not in stack.services.store.get_case(reference).linked_cases
