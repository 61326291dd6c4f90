"""The Have Your Say form's answers checked: what a resident may send, as one pydantic model
typed as the case needs it, and every problem with the answers found at once. Loaded with the
first answers checked; reading a posted form is `web.forms`."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from sla_monitor.cases import AccessibleFormat, CaseType, ContactMethod, Customer, Preferences
from sla_monitor.contact_details import (
    EMAIL_FORMAT,
    PHONE_FORMAT,
    is_email_address,
    is_phone_number,
)
from sla_monitor.web.forms import (
    ANSWER_FIELDS,
    CONTACT_DETAIL,
    LANGUAGE_NAMES,
    MAX_ADDRESS,
    MAX_DETAILS,
    MAX_EMAIL,
    MAX_NAME,
    MAX_PHONE,
    NO_FORMAT,
    NOT_KNOWN,
    FieldError,
    ReplyBy,
    clean_values,
)

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_CHARACTERS_BUT_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


class InvalidAnswers(Exception):
    """The answers cannot be accepted as they are; each error says what to fix."""

    def __init__(self, errors: Sequence[FieldError], values: Mapping[str, str]) -> None:
        super().__init__(f"{len(errors)} answers need correcting")
        self.errors = tuple(errors)
        self.values = dict(values)

    def by_field(self) -> dict[str, str]:
        return {e.field: e.message for e in self.errors}


def _sentence(message: str) -> str:
    """A rule's message as a GOV.UK error message: it starts with a capital."""
    return message[:1].upper() + message[1:]


def _problem(message: str) -> PydanticCustomError:
    return PydanticCustomError("have_your_say", message)


def _single_line(value: str, *, label: str, limit: int) -> str | None:
    if _CONTROL_CHARACTERS.search(value):
        raise _problem(f"{label} must be on one line, without line breaks")
    if len(value) > limit:
        raise _problem(f"{label} must be {limit:,} characters or fewer")
    return value or None


def _several_lines(value: str, *, label: str, limit: int) -> str:
    if _CONTROL_CHARACTERS_BUT_LINES.search(value):
        raise _problem(f"{label} must not include hidden control characters")
    if len(value) > limit:
        raise _problem(f"{label} must be {limit:,} characters or fewer")
    return value


class HaveYourSayAnswers(BaseModel):
    """Answers that passed every check, typed as the case needs them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    about: CaseType
    department: str | None = None
    details: str
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    contact_method: ReplyBy
    language: str = "en"
    accessible_format: AccessibleFormat | None = None
    interpreter: bool = False

    @field_validator("about", mode="before")
    @classmethod
    def _about(cls, value: Any) -> CaseType:
        try:
            return CaseType(value)
        except ValueError:
            raise _problem("Select what your message is about") from None

    @field_validator("department", mode="before")
    @classmethod
    def _department(cls, value: Any, info: ValidationInfo) -> str | None:
        if value in ("", None, NOT_KNOWN):
            return None
        known = (info.context or {}).get("departments", ())
        if value not in known:
            raise _problem("Select a service from the list, or ‘I do not know’")
        return str(value)

    @field_validator("details", mode="before")
    @classmethod
    def _details(cls, value: Any) -> str:
        text = _several_lines(str(value), label="Details", limit=MAX_DETAILS)
        if not text:
            raise _problem("Enter the details of your message")
        return text

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, value: Any) -> str | None:
        return _single_line(str(value), label="Your name", limit=MAX_NAME)

    @field_validator("email", mode="before")
    @classmethod
    def _email(cls, value: Any) -> str | None:
        text = str(value)
        # A line break in an address that ends up in a mail header could add headers of its own.
        if _CONTROL_CHARACTERS.search(text):
            raise _problem("Email address must be on one line, without line breaks")
        if len(text) > MAX_EMAIL:
            raise _problem(f"Email address must be {MAX_EMAIL} characters or fewer")
        if text and not is_email_address(text):
            raise _problem(_sentence(EMAIL_FORMAT))
        return text or None

    @field_validator("phone", mode="before")
    @classmethod
    def _phone(cls, value: Any) -> str | None:
        text = _single_line(str(value), label="Phone number", limit=MAX_PHONE)
        if text is None:
            return None
        if not is_phone_number(text):
            raise _problem(_sentence(PHONE_FORMAT))
        return text

    @field_validator("address", mode="before")
    @classmethod
    def _address(cls, value: Any) -> str | None:
        return _several_lines(str(value), label="Postal address", limit=MAX_ADDRESS) or None

    @field_validator("contact_method", mode="before")
    @classmethod
    def _contact_method(cls, value: Any) -> ReplyBy:
        try:
            return ReplyBy(value)
        except ValueError:
            raise _problem("Select how you would like us to contact you") from None

    @field_validator("language", mode="before")
    @classmethod
    def _language(cls, value: Any) -> str:
        if value in ("", None):
            return "en"
        if value not in LANGUAGE_NAMES:
            raise _problem("Select a language from the list")
        return str(value)

    @field_validator("accessible_format", mode="before")
    @classmethod
    def _accessible_format(cls, value: Any) -> AccessibleFormat | None:
        if value in ("", None, NO_FORMAT):
            return None
        try:
            return AccessibleFormat(value)
        except ValueError:
            raise _problem("Select a format from the list, or ‘No, the usual format’") from None

    @field_validator("interpreter", mode="before")
    @classmethod
    def _interpreter(cls, value: Any) -> bool:
        if value in ("", None, False):
            return False
        if value in ("yes", True):
            return True
        raise _problem("Tick the box if you need an interpreter, or leave it empty")

    # -- what the case is made of ------------------------------------------------------------

    def customer(self) -> Customer:
        return Customer(name=self.name, email=self.email, phone=self.phone, address=self.address)

    def preferences(self) -> Preferences:
        method = {
            ReplyBy.PHONE: ContactMethod.PHONE,
            ReplyBy.LETTER: ContactMethod.LETTER,
        }.get(self.contact_method, ContactMethod.EMAIL)
        return Preferences(
            language=self.language,
            accessible_format=self.accessible_format,
            interpreter=self.interpreter,
            contact_method=method,
        )

    @property
    def wants_no_contact(self) -> bool:
        return self.contact_method is ReplyBy.NONE

    def form_values(self) -> dict[str, str]:
        """The answers as the form's fields hold them, to fill the form in again."""
        return {
            "about": self.about.value,
            "department": self.department or "",
            "details": self.details,
            "name": self.name or "",
            "email": self.email or "",
            "phone": self.phone or "",
            "address": self.address or "",
            "contact_method": self.contact_method.value,
            "language": self.language,
            "accessible_format": self.accessible_format.value if self.accessible_format else "",
            "interpreter": "yes" if self.interpreter else "",
        }


# -- checking the answers ------------------------------------------------------------------------


def _contact_problems(values: Mapping[str, str], already: set[str]) -> list[FieldError]:
    """What a case of this type needs so the council can reach the customer."""
    problems: list[FieldError] = []

    def need(field: str, message: str) -> None:
        if field not in already and not values.get(field):
            problems.append(FieldError(field, message))
            already.add(field)

    about = values.get("about")
    method = values.get("contact_method")
    if about == CaseType.COMPLAINT:
        # The complaints procedure: "For the complaint to go through our formal procedure, we
        # will require the customer's contact details."
        need(
            "name",
            "Enter your name – we need it for your complaint to go through our formal "
            "complaints procedure",
        )
        if method == ReplyBy.NONE and "contact_method" not in already:
            problems.append(
                FieldError(
                    "contact_method",
                    "Select how we should contact you – we need your contact details for your "
                    "complaint to go through our formal complaints procedure",
                )
            )
    elif about == CaseType.ENQUIRY and method == ReplyBy.NONE and "contact_method" not in already:
        problems.append(
            FieldError(
                "contact_method",
                "Select how we should contact you – we need a way to answer your question",
            )
        )
    if method == ReplyBy.EMAIL:
        need("email", "Enter your email address, or choose another way for us to contact you")
    elif method == ReplyBy.PHONE:
        need("phone", "Enter your phone number, or choose another way for us to contact you")
    elif method == ReplyBy.LETTER:
        need("address", "Enter your postal address, or choose another way for us to contact you")
        need("name", "Enter your name so we can address our letter to you")
    return problems


def keep_chosen_contact_detail(values: Mapping[str, str]) -> dict[str, str]:
    """The answers with only the contact detail of the chosen way to contact the person."""
    kept = CONTACT_DETAIL.get(values.get("contact_method", ""))
    return {
        name: ("" if name in CONTACT_DETAIL.values() and name != kept else value)
        for name, value in values.items()
    }


def check_answers(form: Mapping[str, str], *, departments: Sequence[str]) -> HaveYourSayAnswers:
    """The answers, checked. Raises `InvalidAnswers` listing every problem at once."""
    values = clean_values(form)
    errors: list[FieldError] = []
    answers: HaveYourSayAnswers | None = None
    try:
        answers = HaveYourSayAnswers.model_validate(
            values, context={"departments": tuple(departments)}
        )
    except ValidationError as error:
        seen: set[str] = set()
        for detail in error.errors():
            field = str(detail["loc"][0]) if detail["loc"] else "about"
            if field not in seen:
                seen.add(field)
                errors.append(FieldError(field, detail["msg"]))
    errors.extend(_contact_problems(values, {e.field for e in errors}))
    if errors or answers is None:
        errors.sort(key=lambda e: ANSWER_FIELDS.index(e.field))
        raise InvalidAnswers(errors, values)
    return answers
