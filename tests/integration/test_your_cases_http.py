"""The residents' "Your cases" function, given the events API Gateway's REST API sends, on moto:
sign in by an emailed link, see one's own cases only, send more information, sign out (and a
copy of the cookie opens nothing after)."""

from __future__ import annotations

import base64
import re
from datetime import datetime, timedelta
from html import unescape
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from sla_monitor_local.local_server import LocalLambdaContext

from functions.your_cases import app
from integration.checker_support import mail_to
from integration.test_have_your_say_function import (
    FORM,
    header,
    hidden_fields,
    rest_event,
    set_cookies,
)
from sla_monitor.calendar import LONDON
from sla_monitor.cases import (
    AccessibleFormat,
    CaseType,
    Channel,
    Customer,
    NotificationKind,
    Preferences,
)
from sla_monitor.intake import NewCase, register_case
from sla_monitor.web.pages import long_date

pytestmark = pytest.mark.slow(seconds=20)

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
RESIDENT = "sam@example.org"
NEIGHBOUR = "alex@example.org"
PUBLIC = "https://council.example/have-your-say/your-cases"


def call(event: dict[str, Any], now: datetime) -> dict[str, Any]:
    return app.handle(event, LocalLambdaContext(), now=now)


class Resident:
    """A browser: its cookies and the hidden fields of the last page."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}
        self.hidden: dict[str, str] = {}
        self.now = NOW

    def get(self, path: str, **query: str) -> dict[str, Any]:
        event = rest_event("GET", path, cookies=self.cookies, query=query or None)
        return self._keep(call(event, self.now))

    def post(self, path: str, **fields: str) -> dict[str, Any]:
        body = urlencode({**self.hidden, **fields})
        event = rest_event("POST", path, body=body, content_type=FORM, cookies=self.cookies)
        return self._keep(call(event, self.now))

    def _keep(self, response: dict[str, Any]) -> dict[str, Any]:
        for name, value in set_cookies(response).items():
            if value:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        if response["statusCode"] in (200, 400):
            self.hidden = hidden_fields(response["body"])
        return response

    def ask_for_link(self, address: str) -> dict[str, Any]:
        assert self.get("/your-cases/sign-in")["statusCode"] == 200
        return self.post("/your-cases/sign-in", email=address)

    def sign_in_with(self, link: str) -> dict[str, Any]:
        parts = urlsplit(link)
        token = dict(re.findall(r"(\w+)=([^&]+)", parts.query))["token"]
        assert self.get("/your-cases/link", token=token)["statusCode"] == 200
        return self.post("/your-cases/link")


def location(response: dict[str, Any]) -> str:
    return header(response, "Location")


def links_in(address: str) -> list[str]:
    return [
        m
        for mail in mail_to(address)
        for m in re.findall(rf"{re.escape(PUBLIC)}/link\S+", mail.text())
    ]


def a_case(
    bundle, address: str, subject: str, *, key: str, preferences: Preferences | None = None
) -> str:
    registration = register_case(
        NewCase(
            case_type=CaseType.ENQUIRY,
            channel=Channel.WEB,
            received_at=NOW - timedelta(days=1),
            subject=subject,
            description="Details only the council and the resident should read",
            customer=Customer(name="A Resident", email=address),
            department="housing",
            idempotency_key=key,
            preferences=preferences or Preferences(),
        ),
        store=bundle.store,
        policy=bundle.policy,
        calendar=bundle.calendar,
        now=NOW - timedelta(days=1),
    )
    return registration.case.reference


@pytest.fixture
def bundle(embedded):
    embedded.council = embedded.council.model_copy(update={"your_cases_url": PUBLIC})
    return embedded


@pytest.fixture
def cases(bundle) -> dict[str, str]:
    return {
        "mine": a_case(bundle, "Sam@Example.org", "Damp in the bathroom", key="one"),
        "theirs": a_case(bundle, NEIGHBOUR, "Noisy neighbour at number 4", key="two"),
    }


def test_a_resident_signs_in_by_the_emailed_link_and_sees_only_their_own_cases(bundle, cases):
    sam = Resident()
    # Not signed in: the list leads to the sign-in page.
    first = sam.get("/your-cases")
    assert first["statusCode"] == 303
    assert location(first) == "/have-your-say/your-cases/sign-in"

    asked = sam.ask_for_link(RESIDENT)
    assert (asked["statusCode"], location(asked)) == (
        303,
        "/have-your-say/your-cases/check-your-email",
    )
    [link] = links_in(RESIDENT)
    mail = mail_to(RESIDENT)[0]
    assert "works once" in mail.text()

    signed_in = sam.sign_in_with(link)
    assert (signed_in["statusCode"], location(signed_in)) == (303, "/have-your-say/your-cases")
    cookie = next(
        c
        for c in signed_in["multiValueHeaders"]["Set-Cookie"]
        if c.startswith("your_cases_session=")
    )
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie
    assert RESIDENT not in cookie

    listing = sam.get("/your-cases")
    assert listing["statusCode"] == 200
    assert cases["mine"] in listing["body"] and "Damp in the bathroom" in listing["body"]
    assert cases["theirs"] not in listing["body"] and "Noisy neighbour" not in listing["body"]

    page = sam.get(f"/your-cases/{cases['mine']}")
    assert page["statusCode"] == 200
    case = bundle.store.get_case(cases["mine"])
    due = bundle.calendar.add_working_days(bundle.calendar.start_day(case.received_at), 5)
    assert "Reply expected by" in page["body"]
    assert long_date(due) in unescape(page["body"])
    assert "and we did not" not in page["body"]
    # A case whose reply date passed unanswered tells the resident so, for good.
    older = register_case(
        NewCase(
            case_type=CaseType.ENQUIRY,
            channel=Channel.WEB,
            received_at=NOW - timedelta(days=21),
            subject="Broken fence",
            description="Still broken",
            customer=Customer(name="A Resident", email=RESIDENT),
            department="housing",
            idempotency_key="older",
        ),
        store=bundle.store,
        policy=bundle.policy,
        calendar=bundle.calendar,
        now=NOW - timedelta(days=21),
    ).case
    missed = bundle.calendar.add_working_days(bundle.calendar.start_day(older.received_at), 5)
    late = sam.get(f"/your-cases/{older.reference}")
    assert (
        f"We told you we would reply by {long_date(missed)}, and we did not. We are sorry."
        in " ".join(unescape(late["body"]).split())
    )

    # Another resident's case answers as a case that does not exist.
    theirs = sam.get(f"/your-cases/{cases['theirs']}")
    nobody = sam.get("/your-cases/NWL-2026-999999")
    assert theirs["statusCode"] == nobody["statusCode"] == 404
    assert "Noisy neighbour" not in theirs["body"]
    assert sam.get(f"/your-cases/{cases['theirs']}/more-information")["statusCode"] == 404


def test_more_information_is_recorded_as_the_customers_reply_the_owner_told_and_it_is_acknowledged(
    bundle, cases
):
    sam = Resident()
    sam.ask_for_link(RESIDENT)
    sam.sign_in_with(links_in(RESIDENT)[0])
    form = sam.get(f"/your-cases/{cases['mine']}/more-information")
    assert form["statusCode"] == 200

    empty = sam.post(f"/your-cases/{cases['mine']}/more-information", information="  ")
    assert empty["statusCode"] == 400 and "Enter the information" in empty["body"]

    sent = sam.post(
        f"/your-cases/{cases['mine']}/more-information",
        information="The mould has spread to the bedroom.",
    )
    assert (sent["statusCode"], location(sent)) == (
        303,
        f"/have-your-say/your-cases/{cases['mine']}?sent=information",
    )
    timeline = bundle.store.timeline(cases["mine"])
    reply = [e for e in timeline if e.kind == "customer_reply"]
    assert [e.details["body"] for e in reply] == ["The mould has spread to the bedroom."]
    case = bundle.store.get_case(cases["mine"])
    assert [n.kind for n in case.notifications_unsent()] == [
        NotificationKind.CUSTOMER_REPLIED,
        NotificationKind.REPLY_ACKNOWLEDGEMENT,
    ]

    # Without the session's CSRF token nothing is recorded.
    sam.hidden = {}
    forged = sam.post(f"/your-cases/{cases['mine']}/more-information", information="forged")
    assert forged["statusCode"] == 403
    assert len([e for e in bundle.store.timeline(cases["mine"]) if e.kind == "customer_reply"]) == 1

    # Nor can a resident add to another's case.
    sam.get(f"/your-cases/{cases['mine']}/more-information")
    other = sam.post(f"/your-cases/{cases['theirs']}/more-information", information="hello")
    assert other["statusCode"] == 404
    assert not [e for e in bundle.store.timeline(cases["theirs"]) if e.kind == "customer_reply"]


def test_the_page_is_the_same_for_an_unknown_address_and_no_link_is_sent(bundle, cases):
    known = Resident().ask_for_link(RESIDENT)
    unknown = Resident().ask_for_link("stranger@example.org")
    assert (known["statusCode"], location(known)) == (unknown["statusCode"], location(unknown))
    assert mail_to("stranger@example.org") == []
    page = Resident().get("/your-cases/check-your-email")
    assert "If we have cases for that email address" in page["body"]


def test_a_welsh_speaker_gets_the_sign_in_link_in_welsh(bundle, cases):
    welsh = "aled@example.org"
    a_case(bundle, welsh, "Lleithder", key="welsh", preferences=Preferences(language="cy"))

    Resident().ask_for_link(welsh)

    [mail] = mail_to(welsh)
    assert mail.subject == f"Eich dolen fewngofnodi ar gyfer {bundle.council.name}"
    assert mail.message["Content-Language"] == "cy"
    assert "Dim ond unwaith y mae'r ddolen yn gweithio" in mail.text()
    assert links_in(welsh)
    # Others still get theirs in English.
    Resident().ask_for_link(RESIDENT)
    [english] = mail_to(RESIDENT)
    assert english.subject.startswith("Your sign-in link")


def test_a_link_works_once_and_not_after_it_expires(bundle, cases):
    sam = Resident()
    sam.ask_for_link(RESIDENT)
    link = links_in(RESIDENT)[0]
    assert sam.sign_in_with(link)["statusCode"] == 303

    again = Resident()
    refused = again.sign_in_with(link)
    assert refused["statusCode"] == 403
    assert "expired or has been used" in refused["body"]
    assert "your_cases_session" not in again.cookies

    late = Resident()
    late.ask_for_link(RESIDENT)
    late.now = NOW + timedelta(minutes=21)
    assert late.sign_in_with(links_in(RESIDENT)[-1])["statusCode"] == 403

    made_up = Resident()
    assert made_up.sign_in_with(f"{PUBLIC}/link?token={'x' * 43}")["statusCode"] == 403


def test_links_are_limited_per_address(bundle, cases):
    for _ in range(7):
        assert Resident().ask_for_link(RESIDENT)["statusCode"] == 303
    assert len(mail_to(RESIDENT)) == 5


def test_a_link_to_a_case_leads_through_sign_in_back_to_that_case(bundle, cases):
    sam = Resident()
    first = sam.get(f"/your-cases/{cases['mine']}")
    assert location(first) == f"/have-your-say/your-cases/sign-in?case={cases['mine']}"
    assert sam.get("/your-cases/sign-in", case=cases["mine"])["statusCode"] == 200
    sam.post("/your-cases/sign-in", email=RESIDENT)
    signed_in = sam.sign_in_with(links_in(RESIDENT)[0])
    assert location(signed_in) == f"/have-your-say/your-cases/{cases['mine']}"


def test_sessions_end_when_idle_and_on_sign_out(bundle, cases):
    sam = Resident()
    sam.ask_for_link(RESIDENT)
    sam.sign_in_with(links_in(RESIDENT)[0])
    sam.now = NOW + timedelta(minutes=20)
    assert sam.get("/your-cases")["statusCode"] == 200
    sam.now = NOW + timedelta(minutes=45)  # 25 minutes after the last page: still in
    page = sam.get("/your-cases")
    assert page["statusCode"] == 200
    out = sam.post("/your-cases/sign-out")
    assert location(out) == "/have-your-say/your-cases/signed-out"
    assert "your_cases_session" not in sam.cookies
    assert sam.get("/your-cases")["statusCode"] == 303

    idle = Resident()
    idle.ask_for_link(RESIDENT)
    idle.sign_in_with(links_in(RESIDENT)[-1])
    idle.now = NOW + timedelta(minutes=31)
    assert location(idle.get("/your-cases")).endswith("/your-cases/sign-in")


def test_a_copy_of_the_cookie_opens_nothing_once_signed_out(bundle, cases):
    sam = Resident()
    sam.ask_for_link(RESIDENT)
    sam.sign_in_with(links_in(RESIDENT)[0])
    assert sam.get(f"/your-cases/{cases['mine']}/more-information")["statusCode"] == 200
    copy = Resident()  # a browser that copied the cookie, and the form's hidden fields
    copy.cookies, copy.hidden = dict(sam.cookies), dict(sam.hidden)

    sam.get("/your-cases")
    assert location(sam.post("/your-cases/sign-out")).endswith("/signed-out")

    listed = copy.get("/your-cases")
    assert listed["statusCode"] == 303
    assert location(listed).endswith("/your-cases/sign-in")
    assert "Damp in the bathroom" not in listed["body"]
    sent = copy.post(f"/your-cases/{cases['mine']}/more-information", information="Still me")
    assert sent["statusCode"] == 303
    assert "/your-cases/sign-in" in location(sent)
    assert not [e for e in bundle.store.timeline(cases["mine"]) if e.kind == "customer_reply"]


def test_without_a_configured_address_the_link_is_on_the_domain_api_gateway_served(
    embedded, cases_without_address
):
    Resident().ask_for_link(RESIDENT)
    [mail] = mail_to(RESIDENT)
    assert (
        "https://abcdef1234.execute-api.eu-west-2.amazonaws.com/have-your-say/your-cases/link?token="
        in mail.text()
    )


def test_a_link_that_cannot_be_sent_shows_the_same_page(bundle, cases, monkeypatch):
    from sla_monitor.checker.mailer import SESMailer, TransientSendError

    def refuse(self, outbound):
        raise TransientSendError("Throttling")

    monkeypatch.setattr(SESMailer, "send", refuse)
    asked = Resident().ask_for_link(RESIDENT)
    assert (asked["statusCode"], location(asked)) == (
        303,
        "/have-your-say/your-cases/check-your-email",
    )


@pytest.fixture
def cases_without_address(embedded) -> str:
    return a_case(embedded, RESIDENT, "Damp in the bathroom", key="one")


def multipart(fields: dict[str, str], files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = "----residents-test-boundary"
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    for filename, content_type, content in files:
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), (
        f"multipart/form-data; boundary={boundary}"
    )


def send_files(
    resident: Resident, reference: str, information: str, files: list[tuple[str, str, bytes]]
) -> dict[str, Any]:
    """Post the more-information form, as the last page left it, with files."""
    body, content_type = multipart({**resident.hidden, "information": information}, files)
    event = rest_event(
        "POST",
        f"/your-cases/{reference}/more-information",
        body=body,
        content_type=content_type,
        cookies=resident.cookies,
        base64_encoded=True,
    )
    return call(event, NOW)


def test_files_sent_with_more_information_are_kept_in_quarantine(bundle, cases):
    sam = Resident()
    sam.ask_for_link(RESIDENT)
    sam.sign_in_with(links_in(RESIDENT)[0])
    sam.get(f"/your-cases/{cases['mine']}/more-information")
    photo = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    response = send_files(
        sam, cases["mine"], "Photos of the mould", [("../bedroom wall.png", "image/png", photo)]
    )
    assert response["statusCode"] == 303, response["body"][:500]
    [kept] = [e for e in bundle.store.timeline(cases["mine"]) if e.kind == "attachment"]
    assert kept.details["quarantined"] == "yes"
    key = kept.details["s3_key"]
    assert key.startswith("attachments/quarantine/your-cases-") and key.endswith("bedroom-wall.png")
    stored = bundle.client("s3").get_object(Bucket=bundle.settings.raw_mail_bucket, Key=key)
    assert stored["Body"].read() == photo
    assert stored["ContentType"] == "application/octet-stream"

    # The same submission sent again with another file under the same name: the stored file
    # stays the one the case names, its size and the scan's, and nothing more is recorded.
    swapped = [("../bedroom wall.png", "image/png", b"not the photo that was sent")]
    assert send_files(sam, cases["mine"], "Photos of the mould", swapped)["statusCode"] == 303
    again = bundle.client("s3").get_object(Bucket=bundle.settings.raw_mail_bucket, Key=key)
    assert again["Body"].read() == photo
    assert [e for e in bundle.store.timeline(cases["mine"]) if e.kind == "attachment"] == [kept]
    assert kept.details["size"] == str(len(photo))

    # Too many files: nothing kept, the form says why.
    sam.get(f"/your-cases/{cases['mine']}/more-information")
    refused = send_files(
        sam, cases["mine"], "More", [(f"{n}.txt", "text/plain", b"x") for n in range(6)]
    )
    assert refused["statusCode"] == 400 and "Select up to 5 files" in refused["body"]
    assert len([e for e in bundle.store.timeline(cases["mine"]) if e.kind == "attachment"]) == 1


def test_a_file_is_written_to_the_bucket_once_and_never_over(bundle):
    """S3's conditional write, as the residents' pages keep files (moto honours it too)."""
    from sla_monitor.mail.raw_mail import S3RawMailStore

    bucket = S3RawMailStore(bundle.client("s3"), bundle.settings.raw_mail_bucket)
    key = "attachments/quarantine/your-cases-once/001-photo.png"
    first = bucket.keep_once(key, b"first", content_type="application/octet-stream", metadata={})
    second = bucket.keep_once(key, b"second", content_type="application/octet-stream", metadata={})

    assert (first, second) == (True, False)
    stored = bundle.client("s3").get_object(Bucket=bundle.settings.raw_mail_bucket, Key=key)
    assert stored["Body"].read() == b"first"


def test_a_resident_reads_their_own_words_and_every_letter_in_full_but_no_note(bundle, cases):
    from sla_monitor import staff
    from sla_monitor.checker.wiring import deliver_now

    large_print = a_case(
        bundle,
        RESIDENT,
        "Bins not collected",
        key="three",
        preferences=Preferences(accessible_format=AccessibleFormat.LARGE_PRINT),
    )
    work = {"store": bundle.store, "policy": bundle.policy, "calendar": bundle.calendar}
    staff.add_note(
        large_print, text="Neighbour says the bins block the lane.", by="x", now=NOW, **work
    )
    staff.reply_to_customer(
        large_print, text="A crew will come on Friday.", by="housing-officer", now=NOW, **work
    )
    deliver_now(bundle, large_print, NOW)
    sam = Resident()
    sam.ask_for_link(RESIDENT)
    sam.sign_in_with(links_in(RESIDENT)[-1])

    page = sam.get(f"/your-cases/{large_print}")

    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", page["body"])).split())
    thread = text.split("Your messages and our letters", 1)[1]
    assert "What you sent us online" in thread
    assert "Details only the council and the resident should read" in thread
    assert "Message from Ravi Evans" in thread and "A crew will come on Friday." in thread
    assert "Neighbour says" not in page["body"] and "Internal note" not in page["body"]
    # The letter's PDF (made in large print), as it went, for the resident to download.
    links = re.findall(r'href="(/have-your-say/your-cases/[^"]+/letters/[^"]+)"', page["body"])
    [link] = [x for x in links if "officer_message" in x]
    pdf = sam.get(unescape(link).removeprefix("/have-your-say"))
    assert pdf["statusCode"] == 200 and pdf["isBase64Encoded"]
    assert header(pdf, "Content-Type") == "application/pdf"
    key = unescape(link).rsplit("/", 1)[1]
    kept = bundle.store.letter(large_print, key)
    assert kept is not None and base64.b64decode(pdf["body"]) == kept.pdf

    # Another resident's case, and a letter the case never sent, answer as nothing there.
    theirs = sam.get(f"/your-cases/{cases['theirs']}/letters/{key}")
    missing = sam.get(f"/your-cases/{large_print}/letters/warn_owner")
    assert theirs["statusCode"] == missing["statusCode"] == 404
