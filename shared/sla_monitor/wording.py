"""The words the product takes from code rather than from a template, in each language the
council writes in: dates (for letters, pages and reports alike), what a case is called, what a
complaint's outcome was, and how to reply. Welsh wording lives here and in the checker's
`templates/cy/`, nowhere else.

Welsh dates carry the weekday, as English ones do: `dydd Llun 2 Mawrth 2026` after words that
leave it as it is (`erbyn`, `Dyddiad:`), and `ddydd Llun 2 Mawrth 2026` standing alone for "on
Monday ...", the soft mutation Welsh gives a time said without a preposition.
"""

from __future__ import annotations

from datetime import date, datetime

from sla_monitor.calendar import LONDON
from sla_monitor.cases import CaseType, Outcome

DEFAULT_LANGUAGE = "en"

_WEEKDAYS = {
    "cy": ("Llun", "Mawrth", "Mercher", "Iau", "Gwener", "Sadwrn", "Sul"),
}
_MONTHS = {
    "cy": (
        "Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin",
        "Gorffennaf", "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr",
    ),
}  # fmt: skip

_CASE_TYPE_LABELS: dict[str, dict[CaseType, str]] = {
    "en": {t: t.label for t in CaseType},
    "cy": {
        CaseType.COMPLAINT: "cwyn",
        CaseType.SERVICE_REQUEST: "cais am wasanaeth",
        CaseType.ENQUIRY: "ymholiad",
        CaseType.COMPLIMENT: "canmoliaeth",
        CaseType.COMMENT: "sylw",
    },
}
# What the formal response found, as a letter names it after "your complaint was ...".
_OUTCOMES: dict[str, dict[Outcome, str]] = {
    "en": {o: o.label for o in Outcome},
    "cy": {
        Outcome.UPHELD: "wedi'i chadarnhau",
        Outcome.PARTLY_UPHELD: "wedi'i chadarnhau'n rhannol",
        Outcome.NOT_UPHELD: "heb ei chadarnhau",
        Outcome.ANSWERED: "wedi'i ateb",
    },
}
# How the customer answers a letter: by replying to the email, or by post when it was posted.
_REPLY_HOW = {
    "en": ("reply to this email", "write to us at {address}"),
    "cy": ("atebwch yr e-bost hwn", "ysgrifennwch atom yn {address}"),
}


def long_date(day: date, language: str = DEFAULT_LANGUAGE) -> str:
    """`Monday 2 March 2026`; in Welsh `dydd Llun 2 Mawrth 2026`."""
    if language in _MONTHS:
        weekday = _WEEKDAYS[language][day.weekday()]
        return f"dydd {weekday} {day.day} {_MONTHS[language][day.month - 1]} {day.year}"
    return f"{day:%A} {day.day} {day:%B %Y}"


def time_of_day(instant: datetime, language: str = DEFAULT_LANGUAGE) -> str:
    """A time as GOV.UK writes it, London time: `9am`, `2:30pm`, `midday`; in Welsh `9yb`,
    `2:30yp`, `hanner dydd`."""
    local = instant.astimezone(LONDON)
    welsh = language == "cy"
    if (local.hour, local.minute) == (12, 0):
        return "hanner dydd" if welsh else "midday"
    hour = local.hour % 12 or 12
    suffix = ("yb", "yp") if welsh else ("am", "pm")
    half = suffix[0] if local.hour < 12 else suffix[1]
    return f"{hour}{half}" if local.minute == 0 else f"{hour}:{local.minute:02d}{half}"


def day_and_time(instant: datetime, language: str = DEFAULT_LANGUAGE) -> str:
    """`Tuesday 8 December 2026 at 2:30pm`, London time: an appointment or a call-back; in
    Welsh `dydd Mawrth 8 Rhagfyr 2026 am 2:30yp`."""
    day = long_date(instant.astimezone(LONDON).date(), language)
    at = "am" if language == "cy" else "at"
    return f"{day} {at} {time_of_day(instant, language)}"


def day_month_year(day: date) -> str:
    """A date without its weekday, as tables and reports print it: `6 January 2026`."""
    return f"{day.day} {day:%B %Y}"


def on_date(day: date, language: str = DEFAULT_LANGUAGE) -> str:
    """ "On" a day: `on Monday 2 March 2026`; in Welsh `ddydd Llun 2 Mawrth 2026`, the mutated
    form that says "on" without a preposition (`ar dydd Llun` would be wrong)."""
    if language == "cy":
        return f"d{long_date(day, language)}"
    return f"on {long_date(day, language)}"


def case_type_label(case_type: CaseType, language: str) -> str:
    return _CASE_TYPE_LABELS.get(language, _CASE_TYPE_LABELS[DEFAULT_LANGUAGE])[case_type]


def outcome_label(outcome: Outcome, language: str) -> str:
    return _OUTCOMES.get(language, _OUTCOMES[DEFAULT_LANGUAGE])[outcome]


def reply_how(language: str, *, by_post: bool, address: str) -> str:
    """`reply to this email`, or `write to us at <the council's address>` for a posted letter."""
    by_email, by_letter = _REPLY_HOW.get(language, _REPLY_HOW[DEFAULT_LANGUAGE])
    return by_letter.format(address=address) if by_post else by_email


# Names a council's configuration gives in English that a Welsh letter gives in Welsh: the
# ombudsmen a council in England or Wales refers complaints to, and the usual sign-off.
_NAMES = {
    "cy": {
        "Local Government and Social Care Ombudsman": (
            "Ombwdsmon Llywodraeth Leol a Gofal Cymdeithasol"
        ),
        "Public Services Ombudsman for Wales": "Ombwdsmon Gwasanaethau Cyhoeddus Cymru",
        "Customer Services Team": "Tîm Gwasanaethau Cwsmeriaid",
        "Customer Services": "Gwasanaethau Cwsmeriaid",
    },
}


def in_language(name: str, language: str) -> str:
    """A name from the configuration in the letter's language, where it has one there."""
    return _NAMES.get(language, {}).get(name, name)
