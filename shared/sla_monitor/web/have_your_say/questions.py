"""What the question pages and the check page show: each question's title in the words of what
the person is sending, the choices it offers, the problems beside the fields they are about, and
the answers to check, each with a link to change it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sla_monitor.cases import CaseType
from sla_monitor.directory import Department
from sla_monitor.web.forms import (
    CASE_TYPE_CHOICES,
    CONTACT_DETAIL,
    FORMAT_NAMES,
    LANGUAGE_NAMES,
    LANGUAGES,
    MAX_DETAILS,
    NO_FORMAT,
    NOT_KNOWN,
    QUESTIONS,
    REPLY_BY_NAMES,
    FieldError,
    ReplyBy,
)
from sla_monitor.web.have_your_say.draft import Draft

if TYPE_CHECKING:
    from sla_monitor.web.have_your_say.answers import HaveYourSayAnswers

_QUESTION_TITLES: dict[str, str] = {
    "about": "What is your message about?",
    "service": "Which service is it about?",
    "details": "Tell us about your {noun}",
    "contact": "How would you like us to contact you?",
    "name": "What is your name?",
    "needs": "Language and accessible formats",
}

# What the person is sending, in the pages' words.
NOUNS: dict[CaseType, str] = {
    CaseType.COMPLAINT: "complaint",
    CaseType.SERVICE_REQUEST: "request",
    CaseType.ENQUIRY: "question",
    CaseType.COMMENT: "comment",
    CaseType.COMPLIMENT: "compliment",
}


def question_page(
    draft: Draft, *, departments: Sequence[Department], errors: Sequence[FieldError] = ()
) -> dict[str, Any]:
    """The page of the question the draft is at, filled in with the answers so far: its title
    and what its template shows."""
    values = draft.values
    about = values.get("about", "")
    noun = next((n for t, n in NOUNS.items() if t.value == about), "message")
    reply_by = [
        m for m in ReplyBy if m is not ReplyBy.NONE or about not in ("complaint", "enquiry")
    ]
    return {
        "title": _QUESTION_TITLES[draft.at].format(noun=noun),
        # Each field's id is its name (for radios and checkboxes, the first option's id), so
        # the error summary links straight to it.
        "errors": [{"text": e.message, "href": f"#{e.field}"} for e in errors],
        "field_errors": {e.field: {"text": e.message} for e in errors},
        "values": values,
        "first_question": draft.at == QUESTIONS[0].slug,
        "returning": draft.returning,
        "noun": noun,
        "about": about,
        "name_needed": about == "complaint" or values.get("contact_method") == "letter",
        "max_details": MAX_DETAILS,
        "case_types": [
            {"value": t.value, "text": text, "hint": {"text": hint}}
            for t, text, hint in CASE_TYPE_CHOICES
        ],
        "departments": [
            {"value": "", "text": "Choose a service"},
            *({"value": d.code, "text": d.name} for d in departments),
            {"value": NOT_KNOWN, "text": "I do not know"},
        ],
        "contact_methods": [{"value": m.value, "text": REPLY_BY_NAMES[m]} for m in reply_by],
        "languages": [{"value": code, "text": name} for code, name in LANGUAGES],
        "formats": [
            {"value": NO_FORMAT, "text": "No, the usual format"},
            *({"value": f.value, "text": name} for f, name in FORMAT_NAMES.items()),
        ],
    }


def answers_to_check(
    answers: HaveYourSayAnswers, *, departments: Sequence[Department]
) -> list[dict[str, str]]:
    """The check page's rows: each answer as the person gave it, and the question to change it."""
    about = next(text for t, text, _ in CASE_TYPE_CHOICES if t is answers.about)
    department = next(
        (d.name for d in departments if d.code == answers.department), "I do not know"
    )
    needs = [FORMAT_NAMES[answers.accessible_format]] if answers.accessible_format else []
    if answers.interpreter:
        needs.append("An interpreter")
    contact = REPLY_BY_NAMES[answers.contact_method]
    detail = CONTACT_DETAIL.get(answers.contact_method.value)
    if detail is not None:
        contact += "\n" + str(getattr(answers, detail) or "")
    rows = [
        ("What it is about", about, "about", "what it is about"),
        ("Service", department, "service", "the service"),
        ("Details", answers.details, "details", "the details"),
        ("How to contact you", contact, "contact", "how to contact you"),
        ("Name", answers.name or "Not given", "name", "your name"),
        ("Language", LANGUAGE_NAMES[answers.language], "needs", "the language"),
        (
            "Accessible format or interpreter",
            ", ".join(needs) or "None",
            "needs",
            "the accessible format or interpreter",
        ),
    ]
    return [
        {"key": key, "value": value, "question": slug, "hidden_text": hidden}
        for key, value, slug, hidden in rows
    ]
