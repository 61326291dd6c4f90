"""The answers so far, carried signed from page to page: the form keeps no session, so every
question page posts back a `Draft` signed with the form's secret, and a draft that does not
verify, is older than a day or is at no question is refused as altered."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sla_monitor.web.errors import AnswersAltered
from sla_monitor.web.forms import QUESTION_SLUGS
from sla_monitor.web.security import BadToken, FormSigner

ANSWERS_FIELD = "answers"
CHECK = "check"  # where a draft is once every question is answered
ANSWERS_MAX_AGE = timedelta(days=1)
_SUBMISSION_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class Draft:
    """The answers so far, carried signed from page to page: `at` is the question being asked
    (or "check"); `returning` sends the person back to check their answers after it."""

    submission_id: str
    values: Mapping[str, str]
    at: str
    returning: bool = False


def read_draft(signer: FormSigner, form: Mapping[str, str], *, now: datetime) -> Draft:
    """The draft a page posted back; AnswersAltered when it is not one the form signed."""
    try:
        text, _ = signer.unsign(
            "answers", form.get(ANSWERS_FIELD, ""), now=now, max_age=ANSWERS_MAX_AGE
        )
        data = json.loads(text)
        draft = Draft(
            submission_id=str(data["submission_id"]),
            values={str(k): str(v) for k, v in data["answers"].items()},
            at=str(data["at"]),
            returning=bool(data["returning"]),
        )
    except (BadToken, ValueError, KeyError, TypeError, AttributeError):
        raise AnswersAltered("signed answers rejected") from None
    if not _SUBMISSION_ID.match(draft.submission_id):
        raise AnswersAltered("bad submission id")
    if draft.at not in (*QUESTION_SLUGS, CHECK):
        raise AnswersAltered("no such question")
    return draft


def signed_draft(signer: FormSigner, draft: Draft, *, now: datetime) -> str:
    """The draft as the next page carries it."""
    data = {
        "submission_id": draft.submission_id,
        "answers": dict(draft.values),
        "at": draft.at,
        "returning": draft.returning,
    }
    return signer.sign("answers", json.dumps(data), issued_at=now)
