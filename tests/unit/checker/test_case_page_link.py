"""Every letter to a customer leads to the case's own page, where they can sign in to follow it;
a deployment without the residents' pages sends letters without the link."""

from __future__ import annotations

from datetime import timedelta

from sla_monitor.cases import Preferences

from .conftest import RESIDENT, html_of, london, text_of

MONDAY = london(2026, 3, 2, 10, 0)
PAGES = "https://council.example/have-your-say/your-cases"


def test_the_acknowledgement_links_to_the_cases_page_above_the_letterhead(town):
    town.council = town.council.model_copy(update={"your_cases_url": PAGES})
    case = town.receive(MONDAY)
    town.sweep(MONDAY + timedelta(minutes=5))

    [message] = town.mail_to(RESIDENT)
    text = text_of(message)
    link = f"{PAGES}/{case.reference}"
    body, _, letterhead = text.partition("\n--\n")
    # Above the footer, so the printed letter (which drops the footer) keeps it too.
    assert f"See your case, and send us more information, online: {link}" in body
    assert link not in letterhead
    assert f'href="{link}"' in html_of(message)


def test_a_letter_in_welsh_links_in_welsh(town):
    town.council = town.council.model_copy(update={"your_cases_url": PAGES})
    town.receive(MONDAY, preferences=Preferences(language="cy"))
    town.sweep(MONDAY + timedelta(minutes=5))

    [message] = town.mail_to(RESIDENT)
    assert "Gweld eich achos" in text_of(message)
    assert "Gweld eich achos" in html_of(message)


def test_without_the_residents_pages_letters_carry_no_link(town):
    case = town.receive(MONDAY)
    town.sweep(MONDAY + timedelta(minutes=5))
    [message] = town.mail_to(RESIDENT)
    assert case.reference in text_of(message)
    assert "/your-cases/" not in text_of(message) and "/your-cases/" not in html_of(message)
