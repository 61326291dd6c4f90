"""A resident's description with anything that could identify someone taken out, for the open
status API when the council publishes descriptions: when in doubt, nothing.

A sentence about anyone's health goes whole (health is special category data, and what is left
around a removed word still says someone is ill); street names go with the word that names them
("station road", "the meadow lane"), and numbers written in words with the figures ("number forty
two"). It stays a cautious filter, not a guarantee: docs/open311.md says what can still get
through, and why it is off unless the council turns it on."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sla_monitor.cases import Case
from sla_monitor.directory import Directory

_EMAIL = re.compile(r"\S+@\S+")
_URL = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)\S+", re.IGNORECASE)
_POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}\b", re.IGNORECASE)
# Any figure: phone numbers, house numbers, account and reference numbers, dates.
_NUMBER = re.compile(r"[+(]?\d[\d\s()./-]*\d|\d")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_REMOVED = "[removed]"
# Where a sentence ends: a stop before a space (not the dot in an address), or a new line.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
# Words about someone's health: a sentence holding one is not published at all.
_HEALTH = re.compile(
    r"\b(?:"
    r"ill|illness\w*|sick\w*|unwell|disab\w+|wheelchair\w*|mobility|blind|deaf\w*|"
    r"pregnan\w+|cancer\w*|chemo\w*|tumou?r\w*|diabet\w+|asthma\w*|copd|dementia|"
    r"alzheimer\w*|parkinson\w*|autis\w+|adhd|depress\w+|anxiety|anxious|mental\w*|"
    r"psychiatr\w+|schizophren\w+|bipolar|epilep\w+|seizures?|strokes?|heart|surgery|"
    r"operations?|hospital\w*|hospice|medication\w*|medicines?|prescri\w+|doctors?|gp|"
    r"nurses?|carers?|therap\w+|hiv|covid|dialysis|arthritis|terminal\w*|injur\w+|"
    r"breathing|lungs?|kidneys?|addict\w*|alcoholi\w+|overdose\w*|suicid\w+|self-harm\w*"
    r")\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = (
    "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    "eighty|ninety|hundred|thousand|million|dozen"
)
# Numbers written in words, alone or in runs ("forty-two", "one hundred and six").
_SPELLED_NUMBER = re.compile(
    rf"\b(?:{_NUMBER_WORDS})(?:(?:[\s-]+(?:and\s+)?)(?:{_NUMBER_WORDS}))*\b", re.IGNORECASE
)
# The kinds of street in English addresses: with the word before them, they name a place.
_STREET = re.compile(
    r"\b([A-Za-z][A-Za-z'’-]*)\s+(?:road|rd|street|st|lane|ln|avenue|ave|close|drive|way|"
    r"crescent|place|court|grove|terrace|gardens|hill|row|walk|square|mews|view|rise|green|"
    r"parade|croft|fold|wharf|yard|park|estate|flats|house|cottages?)\b",
    re.IGNORECASE,
)
_MAX_DESCRIPTION = 280
# Capitalised words that name nobody; any other capitalised word may be a person or a place
# and is removed (so are the months and words that are also first names: May, June, Will).
_COMMON_CAPITALISED = frozenset(
    re.split(
        r"\s+",
        """
    a an and are as at but can could council did do does dont for from had has have hello
    hi how i i'm i've i'd i'll if in is it it's its my no nobody not of on our please she he
    so that the their there they this thank thanks to was we were what when where which who
    why with would yes you your after again also any before both each every just last
    many more most much next now once only other over same since some still then these those
    today tomorrow too under until very yesterday
    monday tuesday wednesday thursday friday saturday sunday
    january february march april july september october november december
    """.strip(),
    )
)


def anonymised_description(text: str, *, known_names: Iterable[str] = ()) -> str | None:
    """What the customer wrote with anything that could identify someone taken out: every
    sentence about health, emails, web addresses, postcodes, every figure and number in words,
    street names, every capitalised word but the commonest, and the names the case knows. None
    when too little would be left to mean anything."""
    names = {
        part.lower()
        for name in known_names
        for part in _WORD.findall(name)
        if len(part) > 1 and part.lower() not in _COMMON_CAPITALISED
    }
    # Control characters have no place in a description (nor in XML).
    kept = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", " ", text)
    kept = " ".join(s for s in _SENTENCE_END.split(kept) if not _HEALTH.search(s))
    kept = _EMAIL.sub(_REMOVED, kept)
    kept = _URL.sub(_REMOVED, kept)
    kept = _POSTCODE.sub(_REMOVED, kept)
    kept = _NUMBER.sub(_REMOVED, kept)
    kept = _SPELLED_NUMBER.sub(_REMOVED, kept)

    def street(match: re.Match[str]) -> str:
        # "on the way", "at the close": a common word before it names no street.
        if match.group(1).lower().replace("’", "'") in _COMMON_CAPITALISED:
            return match.group(0)
        return _REMOVED

    kept = _STREET.sub(street, kept)

    def word(match: re.Match[str]) -> str:
        token = match.group(0)
        lowered = token.lower().replace("’", "'")
        if lowered in names:
            return _REMOVED
        if token[0].isupper() and lowered not in _COMMON_CAPITALISED:
            return _REMOVED
        return token

    kept = _WORD.sub(word, kept.replace(_REMOVED, "\x00"))
    kept = kept.replace("\x00", _REMOVED)
    kept = re.sub(r"\s+", " ", kept).strip()
    # Runs of removals read as one.
    kept = re.sub(r"(?:\[removed\][\s,.:;'’-]*){2,}", f"{_REMOVED} ", kept).strip()
    words = _WORD.findall(kept.replace(_REMOVED, ""))
    removed = kept.count(_REMOVED)
    if len(words) < 3 or removed > len(words) / 2:
        return None
    if len(kept) > _MAX_DESCRIPTION:
        kept = kept[:_MAX_DESCRIPTION].rsplit(" ", 1)[0] + "…"
    return kept


def names_on(case: Case, directory: Directory) -> list[str]:
    """Names and addresses the case knows: the customer's, and every officer's."""
    found = [case.customer.name or "", case.customer.address or ""]
    found += [o.name for o in directory.officers]
    return found
