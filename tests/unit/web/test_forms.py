"""Checking the answers of the "Have Your Say" form, as the server does whatever the browser did."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla_monitor.cases import AccessibleFormat, CaseType, ContactMethod
from sla_monitor.web.errors import EmptyForm, FormTooLarge, UnreadableForm, WrongContentType
from sla_monitor.web.forms import ANSWER_FIELDS, MAX_DETAILS, ReplyBy, read_form
from sla_monitor.web.have_your_say.answers import InvalidAnswers, check_answers

DEPARTMENTS = ("housing", "waste-services")
FORM = "application/x-www-form-urlencoded"


def a_complaint(**changes: str) -> dict[str, str]:
    answers = {
        "about": "complaint",
        "department": "waste-services",
        "details": "The bin was missed three weeks running.",
        "name": "Alex Resident",
        "email": "alex@example.org",
        "phone": "",
        "address": "",
        "contact_method": "email",
        "language": "en",
        "accessible_format": "none",
        "interpreter": "",
    }
    answers.update(changes)
    return answers


def problems(form: dict[str, str]) -> dict[str, str]:
    with pytest.raises(InvalidAnswers) as raised:
        check_answers(form, departments=DEPARTMENTS)
    return raised.value.by_field()


def test_a_complete_complaint_becomes_the_customer_and_preferences_of_a_case():
    answers = check_answers(
        a_complaint(language="pl", accessible_format="large_print", interpreter="yes"),
        departments=DEPARTMENTS,
    )

    assert answers.about is CaseType.COMPLAINT
    assert answers.department == "waste-services"
    assert answers.customer().email == "alex@example.org"
    assert answers.customer().has_contact_details
    preferences = answers.preferences()
    assert preferences.language == "pl"
    assert preferences.accessible_format is AccessibleFormat.LARGE_PRINT
    assert preferences.interpreter is True
    assert preferences.contact_method is ContactMethod.EMAIL


def test_an_empty_form_lists_every_problem_in_the_order_the_page_asks():
    with pytest.raises(InvalidAnswers) as raised:
        check_answers({}, departments=DEPARTMENTS)

    assert [(e.field, e.message) for e in raised.value.errors] == [
        ("about", "Select what your message is about"),
        ("details", "Enter the details of your message"),
        ("contact_method", "Select how you would like us to contact you"),
    ]


def test_a_complaint_needs_contact_details_and_says_why():
    found = problems(a_complaint(name="", email="", contact_method="none"))

    assert "formal complaints procedure" in found["name"]
    assert "formal complaints procedure" in found["contact_method"]
    assert set(found) == {"name", "contact_method"}


def test_the_chosen_way_to_contact_needs_its_detail():
    assert problems(a_complaint(email=""))["email"] == (
        "Enter your email address, or choose another way for us to contact you"
    )
    assert problems(a_complaint(contact_method="phone"))["phone"].startswith(
        "Enter your phone number"
    )
    by_letter = problems(a_complaint(contact_method="letter", name=""))
    assert by_letter["address"].startswith("Enter your postal address")
    # A complaint's own reason for the name comes first.
    assert "formal complaints procedure" in by_letter["name"]


def test_a_question_needs_a_way_to_answer_it_but_a_compliment_does_not():
    question = a_complaint(about="enquiry", name="", email="", contact_method="none")
    assert problems(question) == {
        "contact_method": "Select how we should contact you – we need a way to answer your question"
    }

    compliment = check_answers(
        a_complaint(about="compliment", name="", email="", contact_method="none"),
        departments=DEPARTMENTS,
    )
    assert compliment.wants_no_contact
    assert not compliment.customer().has_contact_details


def test_details_may_be_5000_characters_counting_a_line_break_as_one():
    lines = "x" * 99 + "\r\n"  # 100 characters once the break is one "\n"
    exactly = lines * (MAX_DETAILS // 100)
    answers = check_answers(a_complaint(details=exactly), departments=DEPARTMENTS)
    assert len(answers.details) == MAX_DETAILS - 1  # the last break is trimmed

    assert problems(a_complaint(details="y" * (MAX_DETAILS + 1))) == {
        "details": "Details must be 5,000 characters or fewer"
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "n" * 201, "Your name must be 200 characters or fewer"),
        ("email", "a" * 250 + "@x.org", "Email address must be 254 characters or fewer"),
        ("address", "a" * 501, "Postal address must be 500 characters or fewer"),
        ("phone", "0" * 31, "Phone number must be 30 characters or fewer"),
    ],
)
def test_over_long_answers_say_how_long_they_may_be(field, value, message):
    assert problems(a_complaint(**{field: value}))[field] == message


@pytest.mark.parametrize(
    "injected",
    [
        "alex@example.org\r\nBcc: everyone@example.net",
        "alex@example.org\nCc: someone@example.net",
        "alex@example.org\rX-Header: 1",
    ],
)
def test_a_line_break_in_the_email_address_is_refused(injected):
    assert problems(a_complaint(email=injected)) == {
        "email": "Email address must be on one line, without line breaks"
    }


def test_a_line_break_in_a_name_is_refused_but_an_address_has_several_lines():
    assert problems(a_complaint(name="Alex\r\nBcc: x@example.net")) == {
        "name": "Your name must be on one line, without line breaks"
    }
    answers = check_answers(
        a_complaint(contact_method="letter", address="1 High Street\r\nCoalville\r\nLE67 3FJ"),
        departments=DEPARTMENTS,
    )
    assert answers.address == "1 High Street\nCoalville\nLE67 3FJ"


@pytest.mark.parametrize(
    "email",
    [
        "alex",
        "alex@",
        "@example.org",
        "alex@example",
        "alex example@example.org",
        # Shaped like an address, but no mail reaches it (the rule every case shares).
        "alex@mail-server.local",
        "alex..smith@example.org",
    ],
)
def test_an_email_address_in_the_wrong_format(email):
    assert problems(a_complaint(email=email))["email"] == (
        "Enter an email address in the correct format, like name@example.com"
    )


@pytest.mark.parametrize("phone", ["01530 454545", "07700 900982", "+44 808 157 0192"])
def test_phone_numbers_people_write(phone):
    answers = check_answers(
        a_complaint(phone=phone, contact_method="phone"), departments=DEPARTMENTS
    )
    assert answers.phone == phone


@pytest.mark.parametrize("phone", ["call me", "12345", "0153045454545454545", "01530 454545 4545"])
def test_phone_numbers_we_cannot_use(phone):
    assert problems(a_complaint(phone=phone))["phone"].startswith("Enter a phone number, like")


def test_script_in_an_answer_is_kept_as_text_the_pages_escape_it_on_output():
    details = '<script>alert("hi")</script>'
    answers = check_answers(a_complaint(details=details), departments=DEPARTMENTS)
    assert answers.details == details


def test_hidden_control_characters_are_refused():
    assert problems(a_complaint(details="before\x00after")) == {
        "details": "Details must not include hidden control characters"
    }


def test_a_service_must_come_from_the_list():
    assert problems(a_complaint(department="the-moon")) == {
        "department": "Select a service from the list, or ‘I do not know’"
    }
    unknown = check_answers(a_complaint(department="not_known"), departments=DEPARTMENTS)
    assert unknown.department is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("about", "a rant"),
        ("contact_method", "pigeon"),
        ("language", "klingon"),
        ("accessible_format", "smoke signals"),
        ("interpreter", "maybe"),
    ],
)
def test_a_choice_that_the_form_does_not_offer_is_refused(field, value):
    assert field in problems(a_complaint(**{field: value}))


def test_answers_fill_the_form_in_again_unchanged():
    answers = check_answers(
        a_complaint(contact_method="letter", address="1 High St", interpreter="yes"),
        departments=DEPARTMENTS,
    )
    again = check_answers(answers.form_values(), departments=DEPARTMENTS)
    assert again == answers
    assert again.contact_method is ReplyBy.LETTER


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(ANSWER_FIELDS), st.text(max_size=300)))
def test_any_answers_at_all_are_either_accepted_or_explained(form):
    try:
        check_answers(form, departments=DEPARTMENTS)
    except InvalidAnswers as invalid:
        assert invalid.errors
        assert all(e.field in ANSWER_FIELDS and e.message for e in invalid.errors)
        assert "Value error" not in str([e.message for e in invalid.errors])


# -- reading the body --------------------------------------------------------------------------


def test_a_form_body_is_read_keeping_the_first_of_repeated_fields():
    body = urlencode([("about", "complaint"), ("about", "compliment"), ("details", "a & b")])
    assert read_form(body.encode(), f"{FORM}; charset=UTF-8") == {
        "about": "complaint",
        "details": "a & b",
    }


@pytest.mark.parametrize(
    "content_type", ["application/json", "multipart/form-data; boundary=x", "text/plain", None]
)
def test_a_body_that_is_not_a_form_is_refused(content_type):
    with pytest.raises(WrongContentType):
        read_form(b'{"about": "complaint"}', content_type)


def test_an_empty_body_is_refused():
    with pytest.raises(EmptyForm):
        read_form(b"", FORM)
    with pytest.raises(EmptyForm):
        read_form(None, FORM)


def test_a_body_far_longer_than_any_honest_answers_is_refused():
    with pytest.raises(FormTooLarge):
        read_form(b"details=" + b"x" * 70_000, FORM)


@pytest.mark.parametrize(
    "body",
    [b"details=%FF%FE", b"\xff\xfe=1", b"no-equals-sign", "&".join(["a=1"] * 60).encode()],
)
def test_a_body_we_cannot_read_is_refused(body):
    with pytest.raises(UnreadableForm):
        read_form(body, FORM)
