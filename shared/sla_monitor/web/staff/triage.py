"""The set-aside mail: the messages email intake did not make a case of, with why, and what staff
make of each: a case, the customer's reply on a case, or nothing (dismissed with a reason).

The pages read and check the answers; each action is a use case of `sla_monitor.triage_actions`,
whose refusals are shown beside the field they concern. Set-aside messages are never deleted:
those dealt with are listed apart, with who dealt with them, when, and what they made of them.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from sla_monitor.cases import CaseType
from sla_monitor.mail.message import parse_email
from sla_monitor.mail.raw_mail import RawMailStore
from sla_monitor.mail.triage import TriageReason
from sla_monitor.triage import TriageOutcome, TriageRecord
from sla_monitor.triage_actions import (
    TriageActionRefused,
    TriageItemNotFound,
    TriageWork,
    add_to_case,
    dismiss,
    find_set_aside,
    make_case,
    reason_label,
    set_aside,
)
from sla_monitor.web.forms import FieldError
from sla_monitor.web.http.messages import WebResponse
from sla_monitor.web.staff.formatting import sentence
from sla_monitor.web.staff.pages import StaffPages, Visit
from sla_monitor.web.staff.permissions import Permission, may

MAX_SHOWN_TEXT = 10_000
_TYPES = (
    (CaseType.COMPLAINT, "Complaint"),
    (CaseType.SERVICE_REQUEST, "Service request"),
    (CaseType.ENQUIRY, "Enquiry"),
    (CaseType.COMMENT, "Comment"),
    (CaseType.COMPLIMENT, "Compliment"),
)
_OUTCOMES = {
    TriageOutcome.MADE_CASE: "Made a case",
    TriageOutcome.ADDED_TO_CASE: "Added to a case",
    TriageOutcome.DISMISSED: "Dismissed",
}
_DONE = {
    "dismissed": "The message has been dismissed. It stays on record with your reason.",
    "made": "The case has been made from the message.",
    "added": "The message has been added to the case as the customer's reply.",
}


def item_id(key: str) -> str:
    """A set-aside message's key as it goes in an address."""
    return base64.urlsafe_b64encode(key.encode("utf-8")).decode("ascii").rstrip("=")


def key_of(item: str) -> str:
    try:
        return base64.urlsafe_b64decode(item + "=" * (-len(item) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise TriageItemNotFound(item) from None


class TriagePages:
    def __init__(
        self, pages: StaffPages, *, raw_mail: RawMailStore, attachment_prefix: str
    ) -> None:
        self.pages = pages
        self.raw_mail = raw_mail
        self.work = TriageWork(
            store=pages.store,
            raw_mail=raw_mail,
            policy=pages.policy,
            calendar=pages.calendar,
            attachment_prefix=attachment_prefix,
            directory=pages.directory,
        )

    def _url(self, visit: Visit, record: TriageRecord, action: str = "") -> str:
        path = f"triage/{item_id(record.idempotency_key)}"
        return visit.urls.page(f"{path}/{action}" if action else path)

    # -- the list ---------------------------------------------------------------------------

    def overview(self, visit: Visit) -> WebResponse:
        show_done = visit.request.query.get("show") == "done"
        records = [
            r for r in set_aside(self.pages.store) if (r.resolution is not None) is show_done
        ]
        done = _DONE.get(visit.request.query.get("done", ""))
        reference = visit.request.query.get("reference", "")
        return self.pages.page(
            visit,
            "triage/list.html",
            title="Set-aside mail",
            show_done=show_done,
            done=done,
            reference=reference if reference.replace("-", "").isalnum() else "",
            sub_navigation=[
                {
                    "text": "To deal with",
                    "href": visit.urls.page("triage"),
                    "active": not show_done,
                },
                {
                    "text": "Dealt with",
                    "href": visit.urls.page("triage", "show=done"),
                    "active": show_done,
                },
            ],
            rows=[self._row(visit, r) for r in records],
        )

    def _row(self, visit: Visit, record: TriageRecord) -> dict[str, Any]:
        resolution = record.resolution
        by = self.pages.directory.officer(resolution.by) if resolution else None
        return {
            "href": self._url(visit, record),
            "received": record.received_at,
            "reason": reason_label(record),
            "sender": record.sender or "No address",
            "subject": record.subject or "(no subject)",
            "outcome": _OUTCOMES[resolution.outcome] if resolution else None,
            "by": (by.name if by else resolution.by) if resolution else None,
            "at": resolution.at if resolution else None,
            "why": resolution.reason if resolution else None,
            "case": resolution.reference if resolution else None,
        }

    # -- one message ------------------------------------------------------------------------

    def item(self, visit: Visit, item: str) -> WebResponse:
        record = find_set_aside(self.pages.store, key_of(item))
        return self.pages.page(
            visit,
            "triage/item.html",
            title=record.subject or "(no subject)",
            **self._about(visit, record),
        )

    def _about(self, visit: Visit, record: TriageRecord) -> dict[str, Any]:
        text, readable = None, record.reason != TriageReason.VIRUS.value
        if readable and record.raw_location:
            bucket, _, key = record.raw_location.removeprefix("s3://").partition("/")
            try:
                raw = self.raw_mail.read(bucket, key)
            except Exception:  # expired with the retention period, or never written
                raw = None
            if raw is not None:
                parsed = parse_email(raw)
                text = parsed.text[:MAX_SHOWN_TEXT] if parsed.text else ""
        resolution = record.resolution
        return {
            "record": record,
            "row": self._row(visit, record),
            "evidence": record.details.get("evidence"),
            "text": text,
            "readable": readable,
            "actions": (
                []
                if resolution is not None
                else [
                    {"text": "Make a case of it", "href": self._url(visit, record, "case")},
                    {"text": "Add it to a case", "href": self._url(visit, record, "attach")},
                    {"text": "Dismiss it", "href": self._url(visit, record, "dismiss")},
                ]
            ),
            "case_url": (
                visit.urls.case(resolution.reference)
                if resolution and resolution.reference
                else None
            ),
            "back": visit.urls.page("triage", "show=done" if resolution else ""),
        }

    # -- the actions ------------------------------------------------------------------------

    def form(
        self,
        visit: Visit,
        item: str,
        action: str,
        *,
        values: Mapping[str, str] | None = None,
        errors: tuple[FieldError, ...] = (),
        why: str | None = None,
    ) -> WebResponse:
        record = find_set_aside(self.pages.store, key_of(item))
        titles = {
            "case": "Make a case of the message",
            "attach": "Add the message to a case",
            "dismiss": "Dismiss the message",
        }
        suggested = record.details.get("reference", "")
        matched = self.pages.store.get_case(suggested) if suggested else None
        return self.pages.form_page(
            visit,
            f"triage/{action}.html",
            title=titles[action],
            values=values if values is not None else {"reference": suggested},
            errors=errors,
            why=why,
            action_url=self._url(visit, record, action),
            types=[{"value": t.value, "text": text} for t, text in _TYPES],
            departments=[{"value": "", "text": "Not decided: the default department"}]
            + [
                {"value": d.code, "text": d.name} for d in self.pages.directory.active_departments()
            ],
            # The customer's address on file, to compare with the sender, for a viewer who may
            # see that case.
            matched=(
                matched
                if matched is not None and may(visit.viewer, Permission.VIEW_CASE, matched)
                else None
            ),
            **self._about(visit, record),
        )

    def act(self, visit: Visit, item: str, action: str) -> WebResponse:
        values = self.pages.trusted_form(visit)
        key = key_of(item)
        errors = self._check(action, values)
        if errors:
            return self.form(visit, item, action, values=values, errors=tuple(errors))
        by = visit.viewer.officer_id
        try:
            if action == "dismiss":
                dismiss(key, reason=values["reason"], by=by, now=visit.now, store=self.pages.store)
                return self.pages.see_other(
                    visit, visit.urls.page("triage", "done=dismissed"), "set-aside mail dismissed"
                )
            if action == "case":
                case = make_case(
                    key,
                    case_type=CaseType(values["case_type"]),
                    department=values.get("department") or None,
                    by=by,
                    now=visit.now,
                    work=self.work,
                    directory=self.pages.directory,
                )
                done, outcome = "made-from-triage", "made"
            else:
                case = add_to_case(
                    key,
                    reference=values["reference"],
                    sender_confirmed=values.get("sender_confirmed") == "yes",
                    by=by,
                    now=visit.now,
                    work=self.work,
                )
                done, outcome = "attached-from-triage", "added"
        except TriageActionRefused as refusal:
            field = refusal.argument or self._first_field(action)
            error = FieldError(field, sentence(str(refusal)))
            return self.form(visit, item, action, values=values, errors=(error,), why="refused")
        sent = self.pages.deliver(case.reference, visit.now)
        location = (
            visit.urls.case(case.reference, done=done, held=not sent)
            if may(visit.viewer, Permission.VIEW_CASE, case)
            else visit.urls.page("triage", f"done={outcome}&reference={case.reference}")
        )
        return self.pages.see_other(
            visit, location, "set-aside mail taken in", outcome=outcome, reference=case.reference
        )

    @staticmethod
    def _first_field(action: str) -> str:
        return {"case": "case_type", "attach": "reference", "dismiss": "reason"}[action]

    def _check(self, action: str, values: Mapping[str, str]) -> list[FieldError]:
        errors = []
        if action == "case":
            if values.get("case_type", "") not in {t.value for t in CaseType}:
                errors.append(FieldError("case_type", "Choose what the case is"))
            department = values.get("department", "")
            if department and department not in {
                d.code for d in self.pages.directory.active_departments()
            }:
                errors.append(FieldError("department", "Choose a department from the list"))
        elif action == "attach":
            if not values.get("reference", "").strip():
                errors.append(FieldError("reference", "Enter the reference of the case"))
            if values.get("sender_confirmed") != "yes":
                errors.append(
                    FieldError(
                        "sender_confirmed",
                        "Confirm the message is from the customer, or from someone acting for them",
                    )
                )
        else:
            reason = values.get("reason", "").strip()
            if not reason:
                errors.append(FieldError("reason", "Enter why the message needs no action"))
            elif len(reason) > 1000:
                errors.append(FieldError("reason", "Use 1000 characters or fewer"))
        return errors
