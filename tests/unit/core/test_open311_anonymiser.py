"""The open status API's anonymised description on what residents really write: street names in
lower case, house numbers in words and anyone's health do not get through."""

from __future__ import annotations

import pytest

from sla_monitor.open311.anonymiser import anonymised_description


def _published(text: str) -> str:
    found = anonymised_description(text)
    assert found is not None, text
    return found.lower()


def test_a_street_named_in_lower_case_goes_with_its_name():
    found = _published(
        "the bins on station road have not been emptied for weeks and the smell is bad. "
        "they also missed the ones round the back of meadow lane again"
    )
    for place in ("station", "meadow", "road", "lane"):
        assert place not in found, place
    assert "have not been emptied for weeks and the smell is bad" in found


def test_a_common_word_before_a_street_word_is_not_a_street():
    found = _published("the crew were on the way when it rained so they left the close early")
    assert found == "the crew were on the way when it rained so they left the close early"


@pytest.mark.parametrize(
    "number",
    ["forty two", "forty-two", "twenty", "one hundred and six", "Seventeen", "a dozen"],
)
def test_numbers_written_in_words_are_taken_out(number):
    found = _published(
        f"the fly-tipping is outside number {number} and has been there since monday"
    )
    for word in number.lower().replace("-", " ").split():
        if word not in ("and", "a"):
            assert word not in found.replace("-", " ").split(), word
    assert "the fly-tipping is outside number" in found


def test_a_sentence_about_anyone_s_health_is_not_published_at_all():
    found = _published(
        "The bin was not collected again this week. My husband is disabled and cannot pull it "
        "back up the drive. I had to ask a neighbour while I was in hospital for my "
        "chemotherapy. Please can someone sort the collection out."
    )
    for health in ("disabled", "husband", "hospital", "chemotherapy", "neighbour", "pull"):
        assert health not in found, health
    assert "the bin was not collected again this week." in found
    assert "please can someone sort the collection out." in found


@pytest.mark.parametrize(
    "text",
    [
        "My son is autistic and the noise from the building site upsets him every morning",
        "I am pregnant and the damp in the flat is making my asthma worse",
        "Since my stroke I cannot get the bin to the kerb",
    ],
)
def test_a_description_all_about_health_is_not_published(text):
    assert anonymised_description(text) is None
