"""The "Check your reply" page of a step that writes to the customer (GOV.UK's check answers
pattern): what the officer wrote, each with a "Change" button back to the form with the answers
kept, then the letter exactly as it will go (its subject and words, how it reaches the customer,
its PDF), and "Send". The answers travel in the page's hidden fields; nothing is sent or recorded
until the officer sends it (`sla_monitor.letter_check`)."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sla_monitor.cases import Case
from sla_monitor.letter_check import letter_pdf, letters_to_check, rehearse
from sla_monitor.web.http.messages import WebResponse
from sla_monitor.web.letters import letter_filename, pdf_response
from sla_monitor.web.pages import long_date
from sla_monitor.web.staff.pages import StaffPages, Visit
from sla_monitor.web.staff.rendering import security_headers
from sla_monitor.web.staff.steps import CaseAction

if TYPE_CHECKING:
    from sla_monitor.checker.letters import LetterWriter
    from sla_monitor.store.ports import CaseStore

# The fields that say what to do with the page, not what the officer wrote.
_NOT_ANSWERS = frozenset({"csrf_token", "confirm", "change", "show"})
# What each answer is called on the check page, for the steps that are checked.
_LABELS = {
    "text": "Your words",
    "keep_open": "Keep the case open",
    "outcome": "Outcome",
    "summary": "What was looked at and found",
    "apology": "Apology",
    "remedy": "What we will do to put things right",
    "lessons": "Lessons learned",
}


def unfinished_instructions(text: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r"\[[^\]\n]{1,80}\]", text)))


def answers_of(values: Mapping[str, str]) -> dict[str, str]:
    """What the officer wrote, to carry through the check page unchanged."""
    return {k: v for k, v in values.items() if k not in _NOT_ANSWERS}


class LetterCheckPage:
    def __init__(self, pages: StaffPages) -> None:
        self.pages = pages

    def _writer(self) -> LetterWriter:
        # The checker's letter writer loads with the first check, not with the case pages.
        from sla_monitor.checker.letters import LetterWriter
        from sla_monitor.checker.messages import Composer

        pages = self.pages
        return LetterWriter(
            council=pages.council,
            policy=pages.policy,
            calendar=pages.calendar,
            directory=pages.directory,
            composer=Composer(pages.council),
        )

    def _rehearsed(
        self, visit: Visit, case: Case, action: CaseAction, values: Mapping[str, str]
    ) -> Case:
        """The case as the step would leave it; refused (ActionNotAllowed) as the step is."""

        def step(store: CaseStore) -> Case:
            pages = copy.copy(self.pages)
            pages.store = store
            return action.run(pages, visit, case, values)

        return rehearse(step, case)

    def page(
        self, visit: Visit, case: Case, action: CaseAction, values: Mapping[str, str]
    ) -> WebResponse:
        after = self._rehearsed(visit, case, action, values)
        letters = letters_to_check(case, after, writer=self._writer(), at=visit.now)
        answers = answers_of(values)
        return self.pages.page(
            visit,
            "actions/check.html",
            title="Check your reply" if action.templated else "Check the response letter",
            action=action,
            case=case,
            letters=letters,
            rows=self._rows(action, answers),
            answers=answers,
            # A template's instructions in square brackets left in, like "[Write the answer
            # here.]": the officer is warned before they send it.
            unfinished=unfinished_instructions(
                "\n".join(answers.get(name, "") for name in _LABELS)
            ),
            csrf_token=self.pages.sessions.csrf_token(visit.session, now=visit.now),
        )

    def _rows(self, action: CaseAction, answers: Mapping[str, str]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for name, label in _LABELS.items():
            if name not in action.fields:
                continue
            value = answers.get(name, "").strip()
            if name == "keep_open":
                value = "Yes, for work still to do" if value == "yes" else "No, it closes"
            elif name == "outcome":
                value = value.replace("_", " ").capitalize()
            if value:
                rows.append({"label": label, "value": value})
        remedies = [
            f"{answers[f'remedy_action_{n}'].strip()}, by "
            + long_date(_day(answers, f"remedy_by_{n}"))
            for n in range(1, 4)
            if answers.get(f"remedy_action_{n}", "").strip() and _day(answers, f"remedy_by_{n}")
        ]
        if remedies:
            rows.append({"label": "Actions promised", "value": "\n".join(remedies)})
        return rows

    def pdf(
        self, visit: Visit, case: Case, action: CaseAction, values: Mapping[str, str]
    ) -> WebResponse:
        """The PDF of the letter being checked, as it would be printed; nothing is kept."""
        after = self._rehearsed(visit, case, action, values)
        key = values.get("show", "").removeprefix("pdf:")
        data = letter_pdf(
            after,
            key,
            writer=self._writer(),
            council=self.pages.council,
            calendar=self.pages.calendar,
            at=visit.now,
        )
        if data is None:
            from sla_monitor.lookups import CaseNotFound

            raise CaseNotFound(case.reference)
        return pdf_response(
            data,
            letter_filename(case.reference, f"{key}-to-check"),
            security_headers("-", secure=visit.request.secure),
        )


def _day(answers: Mapping[str, str], name: str) -> Any:
    from sla_monitor.web.staff.answers import day_from

    return day_from(answers, name, "the date")[0]
