"""A case's page: its clocks, what it promised, its timeline and attachments, and the steps the
viewer may take on it; and a short-lived link to one of its attachments."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from sla_monitor import attachments_release, intake, mail
from sla_monitor.attachments import case_attachments, find_attachment
from sla_monitor.calendar import LONDON
from sla_monitor.cases import Case, TimelineEvent
from sla_monitor.checker import delivery_events
from sla_monitor.checker import sweep as checker_sweep
from sla_monitor.other_cases import other_cases
from sla_monitor.promised_dates import paused_working_days, promised_reply
from sla_monitor.web.forms import LANGUAGE_NAMES
from sla_monitor.web.have_your_say import sending as have_your_say_form
from sla_monitor.web.http.messages import WebResponse
from sla_monitor.web.pages import long_date
from sla_monitor.web.staff.appointments_shown import appointment_rows
from sla_monitor.web.staff.case_relations import relations
from sla_monitor.web.staff.conversation_page import (
    conversation_items,
    letter_pdf,
    response_rows,
)
from sla_monitor.web.staff.formatting import (
    BADGE_CLASSES,
    CHANNEL_NAMES,
    CHANNEL_NAMES_BY_VALUE,
    TYPE_NAMES,
    preferences_to_heed,
    when,
)
from sla_monitor.web.staff.pages import StaffPages, Visit
from sla_monitor.web.staff.permissions import Permission, may
from sla_monitor.web.staff.rendering import security_headers
from sla_monitor.web.staff.steps import ACTIONS
from sla_monitor.web.staff.work_list_actions import offers_assign_to_me
from sla_monitor.work_list import case_view, promise_label, standing

_DETAILS_SHOWN = {
    "channel": "Came by",
    "sender": "From",
    "reason": "Reason",
    "classification": "Classification",
    "detail": "Detail",
    "text": "Message",
    "body": "What they wrote",
    "findings": "Findings",
    "threats": "Threats found",
}

# Banners of pages that end on the case page but are not a step on it.
DONE_ELSEWHERE: Mapping[str, str] = {
    "logged": "The case has been logged. What it owes the customer is sent at once.",
    "made-from-triage": "The case has been made from the set-aside message.",
    "attached-from-triage": "The message has been added to the case as the customer's reply.",
}

# Who did it, for the steps no officer takes, as the timeline's "by ..." reads: in words, not
# the parts' own names (each part names itself, in its own module).
SYSTEM_ACTORS = {
    checker_sweep.ACTOR: "the automatic deadline check",
    intake.CUSTOMER: "the customer",
    intake.ACTOR: "the automatic intake",
    mail.ACTOR: "the automatic email intake",
    have_your_say_form.ACTOR: "the Have Your Say form",
    delivery_events.MAIL_SERVICE: "the email service",
    attachments_release.ACTOR: "the virus scan",
}


class AttachmentNotOffered(LookupError):
    """No attachment of this case has that id, or it is not offered (its scan was not clean)."""


class CasePages:
    """A case's page (`show`) and the link to one of its attachments."""

    def __init__(self, pages: StaffPages) -> None:
        self.pages = pages

    def show(self, visit: Visit, case: Case) -> WebResponse:
        view = case_view(
            case,
            policy=self.pages.policy,
            calendar=self.pages.calendar,
            directory=self.pages.directory,
            now=visit.now,
        )
        done = ACTIONS.get(visit.request.query.get("done", ""))
        banner = DONE_ELSEWHERE.get(visit.request.query.get("done", "")) or (
            done.done if done else None
        )
        timeline = self.pages.store.timeline(case.reference)
        joined = relations(self.pages, visit, case)
        attachments = [
            {
                "name": a.filename,
                "size": a.size,
                "type": a.content_type,
                "received": a.received_at,
                "href": visit.urls.attachment(case.reference, a.attachment_id)
                if a.offered and may(visit.viewer, Permission.DOWNLOAD_ATTACHMENT, case)
                else None,
                "unsafe": a.not_offered_because,
            }
            for a in case_attachments(timeline, prefix=self.pages.attachment_prefix)
        ]
        directory = self.pages.directory
        clocks = []
        for c in view.clocks:
            state = standing(
                c, policy=self.pages.policy, calendar=self.pages.calendar, now=visit.now
            )
            clocks.append(
                {
                    "promise": promise_label(c),
                    "description": c.description,
                    "stage": c.stage,
                    "due": c.due_day,
                    # The day a broken promise gave, which a late extension never moves.
                    "missed": c.missed_day,
                    "met": c.satisfied_at,
                    "state": state,
                    "badge": BADGE_CLASSES[state],
                    "remaining": c.remaining_working_days,
                }
            )
        return self.pages.page(
            visit,
            "case.html",
            title=f"{case.reference}: {case.subject}",
            case=case,
            view=view,
            type_name=TYPE_NAMES[case.case_type],
            channel_name=CHANNEL_NAMES[case.channel],
            language=LANGUAGE_NAMES.get(case.preferences.language, case.preferences.language),
            preferences=preferences_to_heed(case),
            department=self.pages.directory.department(view.department),
            officer=self.pages.directory.officer(case.assigned_officer),
            owner=self.pages.directory.officer(view.owner),
            clocks=clocks,
            # One date per promise: the one the clock holds now, and why it moved.
            reply=promised_reply(case, view.clocks, timeline, self.pages.calendar),
            paused_days=paused_working_days(case, view.clocks),
            appointments=appointment_rows(case, self.pages.directory),
            remedies=[
                {
                    "key": {"text": r.action},
                    "value": {
                        "text": (
                            f"Done {when(r.done_at)}"
                            if r.done_at
                            else f"To do by {long_date(r.due_on)}"
                            + (
                                " (overdue)"
                                if visit.now >= self.pages.calendar.end_of_day(r.due_on)
                                else ""
                            )
                        )
                    },
                }
                for r in case.remedies
            ],
            timeline=[self._event(e) for e in reversed(timeline)],
            conversation=conversation_items(
                case,
                timeline,
                directory=directory,
                attachments=attachments,
                letter_href=lambda key: visit.urls.letter(case.reference, key),
                merged=joined.merged,
            ),
            relations=joined.shown,
            responses=[
                {
                    "stage": r.stage,
                    "at": r.recorded_at,
                    "rows": response_rows(r, case, directory=directory, council=self.pages.council),
                }
                for r in case.responses
            ],
            attachments=attachments,
            actions=[
                {"title": a.title, "href": visit.urls.action(case.reference, a.name)}
                for a in ACTIONS.values()
                if a.shown(case) and may(visit.viewer, a.permission, case)
            ],
            can_confirm_type=ACTIONS["confirm-type"].shown(case)
            and may(visit.viewer, Permission.RECLASSIFY_CASE, case),
            can_decide_stage_2=may(visit.viewer, Permission.REQUEST_STAGE_2, case),
            done=banner,
            held=bool(banner) and visit.request.query.get("held") == "yes",
            **self._other_cases(visit, case),
            # "Assign to me" beside the officer: the assign step's form, answered at once.
            assign_to_me=offers_assign_to_me(self.pages, visit, case),
            csrf_token=self.pages.sessions.csrf_token(visit.session, now=visit.now),
        )

    def _other_cases(self, visit: Visit, case: Case) -> dict[str, Any]:
        """The customer's other cases the viewer may see, and where to search for them all."""
        contact = case.customer.email or case.customer.phone
        if not contact:
            return {"other_cases": None}
        found = other_cases(
            case,
            self.pages.store,
            visible=lambda other: may(visit.viewer, Permission.VIEW_CASE, other),
        )
        return {
            "other_cases": [
                {
                    "reference": other.reference,
                    "subject": other.subject,
                    "type": TYPE_NAMES[other.case_type],
                    "received": other.received_at.astimezone(LONDON).date(),
                    "closed": other.closed_at.astimezone(LONDON).date()
                    if other.closed_at
                    else None,
                }
                for other in found.cases
            ],
            "other_cases_more": found.more,
            "other_cases_url": visit.urls.page("search", urlencode({"q": contact})),
        }

    def attachment(self, visit: Visit, case: Case, attachment_id: str) -> WebResponse:
        """A short-lived link to one of the case's attachments, made as it is asked for."""
        found = find_attachment(
            self.pages.store.timeline(case.reference),
            attachment_id,
            prefix=self.pages.attachment_prefix,
        )
        if found is None or not found.offered or self.pages.attachment_links is None:
            raise AttachmentNotOffered(attachment_id)
        return WebResponse(
            status=303,
            body="",
            headers={
                "Location": self.pages.attachment_links().link(found),
                **security_headers("-", secure=visit.request.secure),
            },
            log_message="attachment link given",
            log_fields={"reference": case.reference, "attachment": found.attachment_id},
        )

    def letter(self, visit: Visit, case: Case, key: str) -> WebResponse:
        """The PDF of a letter sent on the case, as it was made when it went."""
        return letter_pdf(
            case,
            key,
            timeline=self.pages.store.timeline(case.reference),
            store=self.pages.store,
            secure=visit.request.secure,
        )

    def _event(self, event: TimelineEvent) -> dict[str, Any]:
        actor = self.pages.directory.officer(event.actor)
        shown = {k: v for k, v in event.details.items() if v and k in _DETAILS_SHOWN}
        if "channel" in shown:
            shown["channel"] = CHANNEL_NAMES_BY_VALUE.get(shown["channel"], shown["channel"])
        return {
            "label": event.kind.replace("_", " ").capitalize(),
            "by": actor.name if actor else SYSTEM_ACTORS.get(event.actor, event.actor),
            "at": event.at,
            "summary": event.summary,
            # In the order of `_DETAILS_SHOWN`: how a reply came and from whom, then its words.
            "details": [(title, shown[k]) for k, title in _DETAILS_SHOWN.items() if k in shown],
        }
