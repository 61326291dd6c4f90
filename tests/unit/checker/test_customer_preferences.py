"""The customer's preferences hold for every letter the case sends, not only the first: Welsh
letters for Welsh speakers, large print for large-print readers, and every other language or
format passed to the officer to produce before the letter goes."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from email.message import EmailMessage
from importlib import resources
from typing import Any

import pytest
from pypdf import PdfReader

from sla_monitor.cases import (
    AccessibleFormat,
    CaseType,
    Channel,
    Customer,
    FormalResponse,
    NotificationKind,
    Outcome,
    Preferences,
)
from sla_monitor.checker.messages import Composer, Contact, case_type_label
from sla_monitor.checker.outcomes import Delivery
from sla_monitor.council import load_council
from sla_monitor.directory import Officer
from sla_monitor.staff import assign_case, extend_deadline, reply_to_customer, wait_for_customer

from .conftest import RESIDENT, html_of, london, text_of
from .test_complaints_procedure import respond, world
from .test_exactly_once import Crash, CrashingStore

COUNCIL = load_council()
HEAD_OF_HOUSING = "head.housing@nwleicestershire.gov.uk"
HOUSING_OFFICER = "ravi.evans@nwleicestershire.gov.uk"
MONDAY = london(2026, 3, 2, 10, 0)
TEMPLATES = resources.files("sla_monitor.checker").joinpath("templates")

# Words that give away an English sentence left in a Welsh letter.
ENGLISH = re.compile(
    r"\b(the|and|your|you|we|our|of|to|by|is|are|please|dear|yours|sincerely|reference|"
    r"complaint|enquiry|working|days?|phone|website|reply|email|update|upheld|stage|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|"
    r"april|may|june|july|august|september|october|november|december)\b",
    re.IGNORECASE,
)


def customer_templates(language: str) -> set[str]:
    folder = TEMPLATES.joinpath(language, "customer")
    return {entry.name for entry in folder.iterdir() if entry.name.endswith(".j2")}


def attachments(message: EmailMessage) -> list[EmailMessage]:
    return list(message.iter_attachments())


def font_sizes(pdf: bytes) -> list[float]:
    """The size of every run of text on every page, in points."""
    sizes: list[float] = []

    def visitor(text, cm, tm, font_dict, font_size):
        if text.strip():
            sizes.append(font_size * tm[0])

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visitor)
    return sizes


def complaint_assigned(town, preferences: Preferences, customer: Customer | None = None):
    case = town.receive(
        MONDAY, case_type=CaseType.COMPLAINT, preferences=preferences, customer=customer
    )
    town.sweep(MONDAY)
    assign_case(
        case.reference,
        officer_id="housing-officer",
        department=None,
        by="head-housing",
        now=MONDAY + timedelta(minutes=30),
        directory=town.directory,
        **world(town),
    )
    town.sweep(MONDAY + timedelta(minutes=30))
    return case


# -- Welsh -----------------------------------------------------------------------------------


def test_every_customer_template_has_a_welsh_counterpart():
    english = customer_templates("en")

    assert english, "no customer templates found"
    # A new letter written only in English fails here, before a Welsh speaker gets it.
    assert english - customer_templates("cy") == set()
    # Text-only letters are laid out in HTML in Welsh too, with the Welsh footer.
    assert TEMPLATES.joinpath("cy", "paragraphs.html.j2").is_file()


WELSH_CONTACT = Contact("Siân Jones", "Swyddog Tai", "Tai", "sian.jones@cyngor.example", "01530 1")
WRITER = Officer("swyddog-tai", "Siân Jones", "sian.jones@cyngor.example", "Swyddog Tai")


def welsh_facts(case_type: CaseType = CaseType.COMPLAINT, **changes: Any) -> dict[str, Any]:
    """A sample case's facts, as the letter writer gathers them, with Welsh words wherever an
    officer or the directory supplies them (those stay as written)."""
    return {
        "reference": "NWL-2026-000001",
        "label": case_type_label(case_type, "cy"),
        "about": "Lleithder yn yr ystafell ymolchi",
        "received_on": date(2026, 3, 2),
        "customer_name": "Aled Jones",
        "contact": WELSH_CONTACT,
        "is_complaint": case_type is CaseType.COMPLAINT,
        "is_feedback": case_type in (CaseType.COMPLIMENT, CaseType.COMMENT),
        "update_every": 10,
        "holding_update": case_type is not CaseType.COMPLAINT,
        "promised_days": 5,
        "reply_due": date(2026, 3, 16),
        "expected_reply_by": date(2026, 3, 13),
        "missed_reply_by": None,
        "late_since": None,
        "case_url": "https://achosion.example/NWL-2026-000001",
        "today": date(2026, 3, 2),
        "by_post": False,
        "reply_how": "atebwch yr e-bost hwn",
        "ombudsman": COUNCIL.ombudsman,
        "stage_2_requested_on": date(2026, 3, 20),
        "details": {
            "needed": "Llun o'r lleithder",
            "reason": "mae angen i'r contractwr ddod eto",
            "text": "Diolch am eich amynedd.",
        },
        "why": "",
        "stage": 1,
        "stage_2_by": date(2026, 4, 14),
        "writer": WRITER,
        "remaining": 4,
        "response": FormalResponse(
            stage=1,
            outcome=Outcome.UPHELD,
            findings="Ni ddaeth y contractwr.",
            recorded_at=london(2026, 3, 10, 10, 0),
            recorded_by="swyddog-tai",
            remedy="Bydd y gwaith yn cael ei wneud ar 20 Mawrth.",
            lessons_learned="Byddwn yn ffonio'r diwrnod cynt.",
        ),
        **changes,
    }


def response(outcome: Outcome, stage: int = 1) -> FormalResponse:
    return FormalResponse(
        stage=stage,
        outcome=outcome,
        findings="Ni ddaeth y contractwr.",
        recorded_at=london(2026, 3, 10, 10, 0),
        recorded_by="swyddog-tai",
    )


SAMPLES = {
    "acknowledgement of a complaint": ("acknowledgement", welsh_facts()),
    "acknowledgement of an enquiry": ("acknowledgement", welsh_facts(CaseType.ENQUIRY)),
    "acknowledgement of a compliment": ("acknowledgement", welsh_facts(CaseType.COMPLIMENT)),
    "holding update": ("holding_update", welsh_facts(CaseType.SERVICE_REQUEST)),
    "progress update": ("progress_update", welsh_facts()),
    "waiting on the customer": ("case_update", welsh_facts(why="waiting")),
    "waiting, by post": (
        "case_update",
        welsh_facts(why="waiting", by_post=True, reply_how="ysgrifennwch atom"),
    ),
    "resumed": ("case_update", welsh_facts(why="resumed")),
    "extended": ("case_update", welsh_facts(why="extended")),
    "reclassified": ("case_update", welsh_facts(CaseType.ENQUIRY, why="reclassified")),
    "reassigned": ("case_update", welsh_facts(why="reassigned")),
    "assigned": ("case_update", welsh_facts(why="assigned")),
    "moved": ("case_update", welsh_facts(why="moved")),
    "retimed": (
        "case_update",
        welsh_facts(why="retimed", details={"cause": "calendar"}),
    ),
    "downgraded": ("case_update", welsh_facts(CaseType.ENQUIRY, why="downgraded")),
    "complaint refused": ("complaint_refused", welsh_facts()),
    "possible stage 2 request": (
        "possible_stage_2_acknowledgement",
        welsh_facts(written_on=date(2026, 3, 20)),
    ),
    "stage 2 declined": ("stage_2_declined", welsh_facts(asked_on=date(2026, 3, 20))),
    "reply acknowledged": (
        "reply_acknowledgement",
        welsh_facts(message_on=date(2026, 3, 4), reopened=True),
    ),
    "action done": (
        "case_update",
        welsh_facts(
            why="remedy_done",
            details={"action": "Trwsio'r cafn", "closed": "yes"},
        ),
    ),
    "formal response, upheld": ("formal_response", welsh_facts()),
    "formal response, partly upheld": (
        "formal_response",
        welsh_facts(response=response(Outcome.PARTLY_UPHELD)),
    ),
    "formal response, not upheld": (
        "formal_response",
        welsh_facts(response=response(Outcome.NOT_UPHELD)),
    ),
    "stage 2 response": (
        "formal_response",
        welsh_facts(stage=2, response=response(Outcome.NOT_UPHELD, stage=2)),
    ),
    "reply to an enquiry": (
        "formal_response",
        welsh_facts(CaseType.ENQUIRY, response=response(Outcome.ANSWERED)),
    ),
    "officer's message": ("officer_message", welsh_facts()),
    "stage 2 acknowledgement": ("stage_2_acknowledgement", welsh_facts(stage=2)),
    # Letters that go late, and letters after a reply date was missed (or is about to be).
    "late acknowledgement, after a missed date": (
        "acknowledgement",
        welsh_facts(
            CaseType.ENQUIRY,
            late_since=date(2026, 3, 3),
            missed_reply_by=date(2026, 3, 9),
            today=date(2026, 3, 10),
        ),
    ),
    "acknowledgement of a complaint, a date that will be missed": (
        "acknowledgement",
        welsh_facts(missed_reply_by=date(2026, 3, 10), today=date(2026, 3, 10)),
    ),
    "late holding update": (
        "holding_update",
        welsh_facts(CaseType.SERVICE_REQUEST, late_since=date(2026, 3, 9)),
    ),
    "late progress update, after a missed date": (
        "progress_update",
        welsh_facts(
            late_since=date(2026, 3, 16),
            missed_reply_by=date(2026, 3, 16),
            today=date(2026, 3, 18),
            reply_due=date(2026, 3, 23),
        ),
    ),
    "progress update on the day the response is due": (
        "progress_update",
        welsh_facts(reply_due=None, today=date(2026, 3, 16)),
    ),
    "reassigned, after a missed date": (
        "case_update",
        welsh_facts(
            why="reassigned",
            missed_reply_by=date(2026, 3, 16),
            today=date(2026, 3, 18),
            reply_due=date(2026, 3, 23),
        ),
    ),
    "late stage 2 acknowledgement": (
        "stage_2_acknowledgement",
        welsh_facts(stage=2, late_since=date(2026, 3, 24), reply_due=date(2026, 4, 17)),
    ),
    "apology for a late response": (
        "apology_for_delay",
        welsh_facts(promised_on=date(2026, 3, 16), expected_reply_by=date(2026, 3, 20)),
    ),
    "apology for a late stage 2 response": (
        "apology_for_delay",
        welsh_facts(stage=2, promised_on=date(2026, 4, 17), expected_reply_by=date(2026, 4, 24)),
    ),
    "apology for a late reply to an enquiry": (
        "apology_for_delay",
        welsh_facts(
            CaseType.ENQUIRY, promised_on=date(2026, 3, 9), expected_reply_by=date(2026, 3, 13)
        ),
    ),
    "referred to the Chief Executive": (
        "referred_to_chief_executive",
        welsh_facts(referred_after=20, today=date(2026, 3, 30), reply_due=date(2026, 4, 6)),
    ),
    "referred to the Chief Executive, after a missed date": (
        "referred_to_chief_executive",
        welsh_facts(
            referred_after=20,
            today=date(2026, 3, 30),
            missed_reply_by=date(2026, 3, 16),
            reply_due=date(2026, 4, 6),
        ),
    ),
    "sign-in link": (
        "sign_in",
        {
            "link": "https://achosion.example/link",
            "expires_at": "14:30",
            "expires_on": date(2026, 3, 2),
        },
    ),
}


def council_data(text: str) -> str:
    """The text without the council's own names from its configuration (its name, address and
    website are what they are in any language)."""
    for value in (COUNCIL.name, COUNCIL.address, COUNCIL.website, COUNCIL.ombudsman.website):
        text = text.replace(value, " ")
    return text


def words_of(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("sample", SAMPLES, ids=list(SAMPLES))
def test_each_welsh_letter_reads_without_english_leftovers(sample):
    name, facts = SAMPLES[sample]

    letter = Composer(COUNCIL).compose(f"customer/{name}", language="cy", **facts)

    assert letter.language == "cy"
    for part in (letter.subject, letter.text, words_of(letter.html)):
        leftovers = ENGLISH.findall(council_data(part))
        assert leftovers == [], f"English in the Welsh {sample}: {leftovers}"
    assert '<html lang="cy">' in letter.html


def test_a_late_welsh_letter_after_a_missed_date_says_sorry_for_both_in_welsh():
    _, facts = SAMPLES["late progress update, after a missed date"]

    letter = Composer(COUNCIL).compose("customer/progress_update", language="cy", **facts)

    for words in (letter.text, words_of(letter.html)):
        assert (
            "Mae'n ddrwg gennym fod y diweddariad hwn yn hwyr: dylem fod wedi'i anfon erbyn "
            "dydd Llun 16 Mawrth 2026." in words
        )
        assert (
            "Ein nod oedd anfon ein hymateb llawn atoch erbyn dydd Llun 16 Mawrth 2026, ac mae'n "
            "ddrwg gennym nad ydym wedi gwneud hynny." in words
        )
        assert "erbyn dydd Llun 23 Mawrth 2026." in words


def test_a_welsh_letter_going_on_the_day_a_reply_date_will_be_missed_says_so():
    _, facts = SAMPLES["acknowledgement of a complaint, a date that will be missed"]

    letter = Composer(COUNCIL).compose("customer/acknowledgement", language="cy", **facts)

    assert (
        "Ein nod oedd anfon ateb llawn atoch erbyn dydd Mawrth 10 Mawrth 2026, ac mae'n ddrwg "
        "gennym na fyddwn yn llwyddo i wneud hynny. Rydym bellach yn disgwyl ei anfon erbyn "
        "dydd Llun 16 Mawrth 2026." in letter.text
    )
    assert "na fyddwn yn llwyddo i wneud hynny" in words_of(letter.html)


def test_the_welsh_apology_and_chief_executive_letters_name_the_dates_and_the_ombudsman():
    _, facts = SAMPLES["apology for a late stage 2 response"]
    apology = Composer(COUNCIL).compose("customer/apology_for_delay", language="cy", **facts)
    _, facts = SAMPLES["referred to the Chief Executive, after a missed date"]
    referral = Composer(COUNCIL).compose(
        "customer/referred_to_chief_executive", language="cy", **facts
    )

    assert (
        "Dywedom wrthych y byddem yn anfon ein hymateb cam 2 i'ch cwyn (cyfeirnod "
        "NWL-2026-000001) atoch erbyn dydd Gwener 17 Ebrill 2026, ac nid ydym wedi gwneud hynny."
        in apology.text
    )
    assert "Rydym bellach yn disgwyl anfon ateb atoch erbyn dydd Gwener 24 Ebrill 2026." in (
        apology.text
    )
    assert "Ombwdsmon Llywodraeth Leol a Gofal Cymdeithasol" in apology.text
    assert "Nid ydym wedi gallu ei datrys o fewn 20 diwrnod gwaith" in referral.text
    assert "at Brif Weithredwr y Cyngor" in referral.text
    assert "Rydym bellach yn disgwyl ei anfon erbyn dydd Llun 6 Ebrill 2026." in referral.text


@pytest.mark.parametrize(
    ("sample", "subject"),
    [
        ("downgraded", "NWL-2026-000001: sut rydym yn ymdrin â'ch cwyn"),
        ("retimed", "NWL-2026-000001: dyddiad newydd ar gyfer ein hateb"),
    ],
)
def test_a_welsh_case_update_says_in_its_subject_what_changed(sample, subject):
    name, facts = SAMPLES[sample]

    letter = Composer(COUNCIL).compose(f"customer/{name}", language="cy", **facts)

    assert letter.subject == subject


def test_a_welsh_formal_response_names_the_outcome_and_the_ombudsman_in_welsh():
    letter = Composer(COUNCIL).compose(
        "customer/formal_response",
        language="cy",
        **welsh_facts(response=response(Outcome.PARTLY_UPHELD)),
    )

    assert "Mae eich cwyn wedi'i chadarnhau'n rhannol." in letter.text
    assert "Ombwdsmon Llywodraeth Leol a Gofal Cymdeithasol" in letter.text
    assert "erbyn dydd Mawrth 14 Ebrill 2026" in letter.text  # the stage 2 window
    # Signed by the officer who recorded it, with their job title, not by a team.
    assert "Yn gywir,\n\nSiân Jones\nSwyddog Tai\n" in letter.text
    assert "Tîm Gwasanaethau Cwsmeriaid" not in letter.text
    assert "Ffôn:" in words_of(letter.html) and "Phone:" not in letter.html


def test_a_welsh_speakers_progress_updates_and_formal_response_go_in_welsh(town):
    case = complaint_assigned(town, Preferences(language="cy"))

    town.sweep_every(MONDAY, london(2026, 3, 16, 15, 0), timedelta(hours=2))
    respond(town, case.reference, london(2026, 3, 17, 10, 0))
    town.sweep(london(2026, 3, 17, 10, 0))

    subjects = town.subjects_to(RESIDENT)
    assert subjects == [
        f"{case.reference}: rydym wedi derbyn eich cwyn",
        f"{case.reference}: y diweddaraf am eich cwyn",  # an officer now deals with it
        f"{case.reference}: y diweddaraf am eich cwyn",
        f"{case.reference}: ein hymateb i'ch cwyn",
    ]
    for message in town.mail_to(RESIDENT):
        assert message["Content-Language"] == "cy"
    assigned, progress, formal = town.mail_to(RESIDENT)[1:]
    assert "Mae swyddog bellach wedi cael eich cwyn" in text_of(assigned)
    # The progress update goes on the day the response is due: the response may still go that
    # day, so the letter gives no date (and has missed none)
    assert "Byddwn yn ysgrifennu atoch eto o fewn 10 diwrnod gwaith" in text_of(progress)
    assert "Rydym yn disgwyl anfon ein hymateb llawn atoch erbyn" not in text_of(progress)
    assert "16 Mawrth" not in text_of(progress)
    assert "ddrwg gennym" not in text_of(progress)
    assert "a ddaeth i law ddydd Llun 2 Mawrth 2026" in text_of(progress)
    assert "Mae eich cwyn wedi'i chadarnhau." in text_of(formal)
    assert "Gwefan:" in html_of(formal) and "Website:" not in html_of(formal)


def test_a_welsh_speakers_holding_update_and_officers_letters_go_in_welsh(town):
    case = town.receive(MONDAY, preferences=Preferences(language="cy"))
    town.sweep(MONDAY)
    reply_to_customer(
        case.reference,
        text="A allwch chi anfon llun o'r lleithder?",
        by="housing-officer",
        now=london(2026, 3, 3, 10, 0),
        **world(town),
    )
    town.sweep(london(2026, 3, 3, 10, 0))
    # The reply is due Monday 9 March; the holding update goes that afternoon.
    town.sweep_every(london(2026, 3, 9, 9, 0), london(2026, 3, 9, 16, 0), timedelta(hours=1))

    assert town.subjects_to(RESIDENT) == [
        f"{case.reference}: rydym wedi derbyn eich ymholiad",
        f"{case.reference}: neges am eich ymholiad",
        f"{case.reference}: pryd i ddisgwyl ein hateb",
    ]
    message, holding = town.mail_to(RESIDENT)[1:]
    assert "A allwch chi anfon llun o'r lleithder?" in text_of(message)  # their own words
    assert "I ateb, atebwch yr e-bost hwn" in text_of(message)
    assert "Rydym bellach yn disgwyl anfon ateb atoch erbyn dydd Llun 16 Mawrth 2026." in text_of(
        holding
    )


def test_a_welsh_speaker_told_the_case_waits_on_them_is_told_in_welsh(town):
    case = complaint_assigned(town, Preferences(language="cy"))
    wait_for_customer(
        case.reference,
        reason="Llun o'r lleithder",
        by="housing-officer",
        now=london(2026, 3, 3, 10, 0),
        **world(town),
    )
    town.sweep(london(2026, 3, 3, 10, 0))

    [update] = [m for m in town.mail_to(RESIDENT) if "mae angen rhywbeth" in str(m["Subject"])]
    assert "Llun o'r lleithder" in text_of(update)
    assert "Atebwch yr e-bost hwn, neu ffoniwch" in text_of(update)


# -- large print -----------------------------------------------------------------------------


def test_every_letter_to_a_large_print_reader_carries_a_large_print_pdf(town):
    case = complaint_assigned(town, Preferences(accessible_format=AccessibleFormat.LARGE_PRINT))

    town.sweep_every(MONDAY, london(2026, 3, 16, 15, 0), timedelta(hours=2))
    respond(town, case.reference, london(2026, 3, 17, 10, 0))
    town.sweep(london(2026, 3, 17, 10, 0))

    letters = town.mail_to(RESIDENT)
    assert [str(m["Subject"]).split(": ", 1)[1] for m in letters] == [
        "we have received your complaint",
        "an update on your complaint",  # an officer now deals with it
        "progress on your complaint",
        "our response to your complaint",
    ]
    for message in letters:
        [pdf] = attachments(message)
        assert pdf.get_content_type() == "application/pdf"
        sizes = font_sizes(pdf.get_content())
        assert sizes and min(sizes) >= 16, str(message["Subject"])
        # The email itself is set large too: nothing under 22 pixels (16.5 point).
        html_sizes = [int(s) for s in re.findall(r"font-size:(\d+)px", html_of(message))]
        assert html_sizes and min(html_sizes) >= 22


def test_an_ordinary_letter_has_no_attachment_and_ordinary_type(town):
    town.receive(MONDAY)

    town.sweep(MONDAY)

    [message] = town.mail_to(RESIDENT)
    assert attachments(message) == []
    assert "font-size:16px" in html_of(message)


def test_a_large_print_letter_to_post_is_large_print_throughout(town):
    case = town.receive(
        MONDAY,
        case_type=CaseType.COMPLAINT,
        channel=Channel.LETTER,
        customer=Customer(name="Bob Example", address="1 High Street, Coalville"),
        preferences=Preferences(accessible_format=AccessibleFormat.LARGE_PRINT),
    )

    town.sweep(MONDAY)

    [task] = [m for m in town.mail_to(HEAD_OF_HOUSING) if "by post" in str(m["Subject"])]
    [pdf] = attachments(task)
    # The address block, the reference and the page footer as well as the body.
    assert min(font_sizes(pdf.get_content())) >= 16
    assert town.case(case.reference).was_sent("acknowledge")


# -- other languages and formats: the officer produces every letter ---------------------------


@pytest.mark.parametrize(
    ("preferences", "needs"),
    [
        (Preferences(accessible_format=AccessibleFormat.BRAILLE), "produced in braille"),
        (Preferences(accessible_format=AccessibleFormat.EASY_READ), "produced in easy read"),
        (Preferences(accessible_format=AccessibleFormat.AUDIO), "recorded as audio"),
        (Preferences(language="pl"), "translated into Polish"),
    ],
    ids=["braille", "easy read", "audio", "Polish"],
)
def test_every_letter_goes_to_the_officer_to_produce_and_none_to_the_customer(
    town, preferences, needs
):
    case = complaint_assigned(town, preferences)

    town.sweep_every(MONDAY, london(2026, 3, 16, 15, 0), timedelta(hours=2))
    respond(town, case.reference, london(2026, 3, 17, 10, 0))
    reports = town.sweep_every(london(2026, 3, 17, 10, 0), london(2026, 3, 17, 16, 0))

    assert town.mail_to(RESIDENT) == []
    sent = [m.parsed() for m in town.mailer.sent]
    tasks = [m for m in sent if "please have the" in str(m["Subject"])]
    # One task per letter, each once however many sweeps run.
    assert [str(m["Subject"]) for m in tasks] == [
        f"{case.reference}: please have the {title} {needs}, then send it"
        for title in ("acknowledgement", "progress update", "formal response")
    ]
    acknowledgement, progress, formal = tasks
    assert [m["To"].addresses[0].addr_spec for m in tasks] == [
        HEAD_OF_HOUSING,
        HOUSING_OFFICER,
        HOUSING_OFFICER,
    ]
    # The letter as written comes with the task, in the text and as a PDF to work from.
    assert "We are still investigating it" in text_of(progress)
    assert "WHAT WE LOOKED AT AND WHAT WE FOUND" in text_of(formal)
    assert "Do not send it to them as it is." in text_of(acknowledgement)
    for task in tasks:
        [pdf] = attachments(task)
        assert pdf.get_content_type() == "application/pdf"
    stored = town.case(case.reference)
    assert stored.acknowledged_at is None  # the officer records it when it goes
    events = [e for e in town.store.timeline(case.reference) if e.kind == "task_for_owner"]
    assert events[0].summary == (
        f"acknowledgement passed to the owner to send by email once {needs}"
    )
    assert sum(r.count(NotificationKind.FORMAL_RESPONSE, Delivery.TASK) for r in reports) == 1


def test_a_welsh_speaker_who_asked_for_braille_has_the_welsh_letter_produced(town):
    case = town.receive(
        MONDAY,
        preferences=Preferences(language="cy", accessible_format=AccessibleFormat.BRAILLE),
        customer=Customer(name="Aled", email=RESIDENT, address="1 Stryd Fawr, Coalville"),
    )

    town.sweep(MONDAY)

    assert town.mail_to(RESIDENT) == []
    [task] = [m for m in town.mail_to(HEAD_OF_HOUSING) if "please have" in str(m["Subject"])]
    assert str(task["Subject"]) == (
        f"{case.reference}: please have the acknowledgement produced in braille, then send it"
    )
    text = text_of(task)
    assert "Eich cyfeirnod yw" in text  # the Welsh letter, not an English one
    assert "then send it by email or by post" in text
    assert "Address: 1 Stryd Fawr, Coalville" in text


def test_a_large_print_reader_is_not_held_up_for_the_officer(town):
    case = town.receive(
        MONDAY, preferences=Preferences(accessible_format=AccessibleFormat.LARGE_PRINT)
    )

    town.sweep(MONDAY)

    assert len(town.mail_to(RESIDENT)) == 1
    assert town.case(case.reference).acknowledged_at == MONDAY
    # The officer is told what they asked for, and has nothing to produce meanwhile.
    assert town.subjects_to(HEAD_OF_HOUSING) == [
        f"{case.reference}: the customer asked for large print"
    ]


def test_an_extension_letter_to_a_polish_speaker_goes_to_the_officer(town):
    case = complaint_assigned(town, Preferences(language="pl"))
    extend_deadline(
        case.reference,
        working_days=5,
        reason="the contractor is away",
        by="housing-officer",
        now=london(2026, 3, 4, 10, 0),
        **world(town),
    )

    town.sweep(london(2026, 3, 4, 10, 0))

    assert town.mail_to(RESIDENT) == []
    subjects = town.subjects_to(HOUSING_OFFICER)
    assert (
        f"{case.reference}: please have the update on the case translated into Polish, then send it"
        in subjects
    )


def test_a_letter_to_produce_interrupted_before_recording_is_recorded_as_that_task(town):
    case = town.receive(MONDAY, preferences=Preferences(accessible_format=AccessibleFormat.BRAILLE))
    crashing = CrashingStore(town.store, "save_case")
    with pytest.raises(Crash):
        town.sweep(MONDAY, store=crashing)

    town.sweep(MONDAY + timedelta(minutes=5))

    tasks = [m for m in town.mail_to(HEAD_OF_HOUSING) if "please have" in str(m["Subject"])]
    assert len(tasks) == 1  # never sent again
    [event] = [e for e in town.store.timeline(case.reference) if e.kind == "task_for_owner"]
    assert event.summary == (
        "acknowledgement passed to the owner to send once made as the customer asked"
    )


def test_an_interpreter_is_arranged_for_speaking_and_letters_still_go_at_once(town):
    """An interpreter helps the customer on the phone and at visits: their letters go to them
    as written, at once, and the owner is told once to arrange the interpreter."""
    case = complaint_assigned(town, Preferences(interpreter=True))

    town.sweep_every(MONDAY, london(2026, 3, 3, 12, 0), timedelta(hours=2))

    assert f"{case.reference}: we have received your complaint" in town.subjects_to(RESIDENT)
    assert town.case(case.reference).acknowledged_at is not None
    sent = [m.parsed() for m in town.mailer.sent]
    assert not [m for m in sent if "please have the" in str(m["Subject"])]
    notices = [m for m in sent if "interpreter" in text_of(m) and m["To"] != RESIDENT]
    assert len(notices) == 1
