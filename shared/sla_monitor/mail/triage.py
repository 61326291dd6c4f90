"""Mail that must not become a case: bounces, automatic replies, spam, viruses, loops.

None of these gets an acknowledgement, which is what stops mail loops: an out-of-office reply to
our acknowledgement must not be acknowledged in turn. Each finding says what showed it, so staff
looking at the triage list can see why a message was set aside.

The signals are the standard ones: RFC 3464 delivery reports, RFC 3834 `Auto-Submitted`, the de
facto `X-Autoreply`/`X-Autorespond`/`Precedence` headers, the SES receipt verdicts, and a few
subject lines the big mail systems use.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Only its type: the parser loads where mail is parsed.
    from sla_monitor.mail.message import ParsedEmail


class TriageReason(enum.StrEnum):
    VIRUS = "virus"
    SPAM = "spam"
    UNPARSEABLE = "unparseable"
    BOUNCE = "bounce"
    AUTO_REPLY = "auto_reply"
    MAIL_LOOP = "mail_loop"
    NO_SENDER = "no_sender"
    DUPLICATE_MESSAGE = "duplicate_message"
    UNVERIFIED_SENDER = "unverified_sender"
    REPLY_FROM_ANOTHER_ADDRESS = "reply_from_another_address"
    TOO_MANY_MESSAGES = "too_many_messages"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    TriageReason.VIRUS: "SES found a virus",
    TriageReason.SPAM: "SES marked it as spam",
    TriageReason.UNPARSEABLE: "not a readable email",
    TriageReason.BOUNCE: "bounce or delivery report",
    TriageReason.AUTO_REPLY: "automatic reply or out-of-office",
    TriageReason.MAIL_LOOP: "sent from the council's own address",
    TriageReason.NO_SENDER: "no address to reply to",
    TriageReason.DUPLICATE_MESSAGE: "a message already on a case, delivered again",
    TriageReason.UNVERIFIED_SENDER: "unverified sender: the sender's domain did not vouch for it",
    TriageReason.REPLY_FROM_ANOTHER_ADDRESS: "reply from another address: staff to link",
    TriageReason.TOO_MANY_MESSAGES: "too many messages from one sender in an hour",
}


@dataclass(frozen=True)
class Verdicts:
    """SES's scan and authentication results for one message (PASS, FAIL, GRAY,
    PROCESSING_FAILED): spam, virus, and whether the sender's domain vouches for it (SPF, DKIM,
    DMARC)."""

    spam: str | None = None
    virus: str | None = None
    spf: str | None = None
    dkim: str | None = None
    dmarc: str | None = None


@dataclass(frozen=True)
class TriageFinding:
    reason: TriageReason
    evidence: str  # what showed it: a header, a content type, a verdict; never the sender


_REPORT_PARTS = frozenset(
    {
        "message/delivery-status",
        "message/global-delivery-status",
        "message/disposition-notification",
        "message/global-disposition-notification",
        "message/feedback-report",
    }
)
_DAEMONS = frozenset({"mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon"})
_AUTOMATIC_PRECEDENCE = frozenset({"bulk", "auto_reply", "junk"})
_NOT_SET = frozenset({"", "no", "false", "0"})
_UNFINISHED_SCANS = frozenset({"GRAY", "PROCESSING_FAILED"})

# Only at the start of the subject, where mail systems put them; a resident who writes "your
# auto-reply told me nothing" further in is still a resident.
_AUTO_REPLY_SUBJECT = re.compile(
    r"^\s*[\[(]?\s*(?P<phrase>automatic reply|auto[- ]?reply|autoreply|auto[- ]?response"
    r"|out of (?:the )?office|ooo\b|abwesenheitsnotiz|r[ée]ponse automatique"
    r"|respuesta autom[áa]tica|risposta automatica)",
    re.IGNORECASE,
)
_BOUNCE_SUBJECT = re.compile(
    r"^\s*(?P<phrase>undeliverable|undelivered mail returned to sender|undelivered mail"
    r"|delivery status notification|mail delivery failed|delivery failure|failure notice"
    r"|returned mail|delivery has failed|mail delivery subsystem|non[- ]?delivery report)",
    re.IGNORECASE,
)


def _token(value: str) -> str:
    return value.split(";", 1)[0].strip().lower()


def _first_set(parsed: ParsedEmail, names: Iterable[str]) -> tuple[str, str] | None:
    for name in names:
        for value in parsed.header(name):
            if _token(value) not in _NOT_SET:
                return name, value
    return None


def _verdict(event_value: str | None, parsed: ParsedEmail, header: str) -> str | None:
    # The Lambda event carries the verdict; a message read from S3 carries SES's header instead
    # (SES puts its own first; a forged later one cannot hide it).
    value = event_value or parsed.first_header(header)
    return _token(value).upper() if value else None


# SES writes its own Authentication-Results first; only one it wrote is read.
_SES_AUTHENTICATION = re.compile(r"^\s*amazonses\.com\s*;", re.IGNORECASE)
_AUTH_RESULT = re.compile(r"\b(spf|dkim|dmarc)=([a-z]+)", re.IGNORECASE)
_RESULT_VERDICTS = {
    "pass": "PASS",
    "fail": "FAIL",
    "softfail": "FAIL",
    "permerror": "FAIL",
    "none": "GRAY",
    "neutral": "GRAY",
    "temperror": "PROCESSING_FAILED",
}


def authentication(parsed: ParsedEmail, verdicts: Verdicts) -> dict[str, str]:
    """SPF, DKIM and DMARC as SES judged them: from the receipt event, else from the
    Authentication-Results header SES put on the stored message. Missing when neither says."""
    found: dict[str, str] = {}
    first = parsed.first_header("authentication-results")
    if first and _SES_AUTHENTICATION.match(first):
        for method, result in _AUTH_RESULT.findall(first):
            found.setdefault(method.lower(), _RESULT_VERDICTS.get(result.lower(), "GRAY"))
    for method, value in (
        ("spf", verdicts.spf),
        ("dkim", verdicts.dkim),
        ("dmarc", verdicts.dmarc),
    ):
        if value:
            found[method] = _token(value).upper()
    return found


def unverified_sender(parsed: ParsedEmail, verdicts: Verdicts) -> str | None:
    """Why the From address cannot be trusted to be the writer's, or None. DMARC failing says
    the domain disowns the message; with no DMARC answer and neither SPF nor DKIM passing,
    nothing vouches for it. With no verdicts at all (a file an administrator ingests), the
    sender is not judged here."""
    checks = authentication(parsed, verdicts)
    if checks.get("dmarc") == "FAIL":
        return "DMARC verdict FAIL"
    nothing_passed = checks.get("spf") not in ("PASS", None) and checks.get("dkim") not in (
        "PASS",
        None,
    )
    if checks.get("dmarc") != "PASS" and nothing_passed:
        return f"SPF {checks['spf']} and DKIM {checks['dkim']}, no DMARC pass"
    return None


def sender_verified(parsed: ParsedEmail, verdicts: Verdicts) -> bool:
    """The From address is shown to be the writer's: DMARC passed (it checks the From domain)."""
    return authentication(parsed, verdicts).get("dmarc") == "PASS"


def virus_scan_unfinished(parsed: ParsedEmail, verdicts: Verdicts) -> str | None:
    """SES's virus verdict when its scan could not finish (GRAY or PROCESSING_FAILED): the
    message may still be read, but its attachments are kept in quarantine."""
    virus = _verdict(verdicts.virus, parsed, "x-ses-virus-verdict")
    return virus if virus in _UNFINISHED_SCANS else None


def _bounce_by_structure(parsed: ParsedEmail) -> str | None:
    if parsed.content_type == "multipart/report":
        return f"multipart/report (report-type={parsed.report_type or 'none'})"
    report_part = next((t for t in parsed.part_types if t in _REPORT_PARTS), None)
    if report_part:
        return f"{report_part} part"
    if parsed.header("x-failed-recipients"):
        return "X-Failed-Recipients header"
    return None


def _auto_reply(parsed: ParsedEmail) -> str | None:
    auto_submitted = _first_set(parsed, ("auto-submitted",))
    if auto_submitted:
        return f"Auto-Submitted: {_token(auto_submitted[1])}"
    flagged = _first_set(parsed, ("x-autoreply", "x-autorespond", "x-autogenerated"))
    if flagged:
        return f"{flagged[0].title()} header"
    for name in ("precedence", "x-precedence"):
        for value in parsed.header(name):
            if _token(value) in _AUTOMATIC_PRECEDENCE:
                return f"{name.title()}: {_token(value)}"
    match = _AUTO_REPLY_SUBJECT.match(parsed.subject)
    if match:
        return f"subject starts '{match.group('phrase')}'"
    return None


def _bounce_by_sender(parsed: ParsedEmail, envelope_sender: str | None) -> str | None:
    sender = parsed.sender
    if sender and sender.address.rpartition("@")[0].lower() in _DAEMONS:
        return f"sent by {sender.address.rpartition('@')[0].lower()}"
    return_paths = [*parsed.header("return-path")]
    if envelope_sender is not None:
        return_paths.append(envelope_sender)
    # RFC 5321: delivery notifications go out with an empty return path so they never bounce.
    if any(p.strip() in ("", "<>") for p in return_paths):
        return "empty return path"
    match = _BOUNCE_SUBJECT.match(parsed.subject)
    if match:
        return f"subject starts '{match.group('phrase')}'"
    return None


def find_triage(
    parsed: ParsedEmail,
    *,
    verdicts: Verdicts = Verdicts(),
    council_addresses: Iterable[str] = (),
    envelope_sender: str | None = None,
) -> TriageFinding | None:
    """Why this message must not become a case or a reply, or None when it may.

    Checked in order of harm: a virus or spam verdict first (nothing of such a message is stored
    beyond the raw copy), then what cannot be read, then automatic mail.
    """
    virus = _verdict(verdicts.virus, parsed, "x-ses-virus-verdict")
    if virus == "FAIL":
        return TriageFinding(TriageReason.VIRUS, "SES virus verdict FAIL")
    spam = _verdict(verdicts.spam, parsed, "x-ses-spam-verdict")
    if spam == "FAIL":
        return TriageFinding(TriageReason.SPAM, "SES spam verdict FAIL")
    if not parsed.has_mail_headers:
        defects = ", ".join(parsed.defects[:3]) or "no email headers"
        return TriageFinding(TriageReason.UNPARSEABLE, defects)
    structural = _bounce_by_structure(parsed)
    if structural:
        return TriageFinding(TriageReason.BOUNCE, structural)
    automatic = _auto_reply(parsed)
    if automatic:
        return TriageFinding(TriageReason.AUTO_REPLY, automatic)
    bounce = _bounce_by_sender(parsed, envelope_sender)
    if bounce:
        return TriageFinding(TriageReason.BOUNCE, bounce)
    own = {a.casefold() for a in council_addresses}
    for address in (parsed.sender, parsed.reply_to):
        if address is not None and address.address.casefold() in own:
            return TriageFinding(TriageReason.MAIL_LOOP, "From or Reply-To is the council's own")
    if parsed.customer_address is None:
        return TriageFinding(TriageReason.NO_SENDER, "no readable From or Reply-To address")
    # It may be anyone's: no acknowledgement, and it waits for staff rather than becoming a
    # case or speaking on one.
    unverified = unverified_sender(parsed, verdicts)
    if unverified:
        return TriageFinding(TriageReason.UNVERIFIED_SENDER, unverified)
    return None
