"""A step on a case as a page: its form, and its answer checked and handed to the step's use case.
A refusal, the form's or the use case's, is shown on the form as GOV.UK shows any error, with the
answers kept; a step taken goes back to the case page with its banner."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sla_monitor import staff
from sla_monitor.cases import Case, CaseType, Channel
from sla_monitor.reply_templates import ReplyTemplateStore
from sla_monitor.web.forms import FieldError
from sla_monitor.web.http.messages import WebResponse
from sla_monitor.web.pages import long_date
from sla_monitor.web.staff.formatting import (
    CHANNEL_NAMES,
    TYPE_NAMES,
    preferences_to_heed,
    sentence,
)
from sla_monitor.web.staff.letter_check_page import LetterCheckPage, answers_of
from sla_monitor.web.staff.pages import StaffPages, Visit
from sla_monitor.web.staff.rendering import security_headers
from sla_monitor.web.staff.reply_drafts import ReplyDrafts, template_items
from sla_monitor.web.staff.step_checks import REMEDY_SLOTS, outcomes_for
from sla_monitor.web.staff.steps import CaseAction


class StepPages:
    """A step's form (`form`) and its answer (`take`), for any line of the steps table."""

    def __init__(self, pages: StaffPages, templates: ReplyTemplateStore | None = None) -> None:
        self.pages = pages
        self.drafts = ReplyDrafts(pages, templates) if templates is not None else None

    def form(self, visit: Visit, case: Case, action: CaseAction) -> WebResponse:
        """The step's form, where the step is open on the case (else StepNotOpen); with
        `?template=<key>`, the officer's words start as that template filled in for the case."""
        action.open_on(case)
        chosen = visit.request.query.get("template", "")
        if action.templated and chosen and self.drafts is not None:
            template = next((t for t in self.drafts.offered() if t.key == chosen), None)
            if template is not None:
                text = self.drafts.filled(visit, case, template)
                return self._form(visit, case, action, values={"text": text, "template": chosen})
        return self._form(visit, case, action)

    def _form(
        self,
        visit: Visit,
        case: Case,
        action: CaseAction,
        *,
        values: Mapping[str, str] | None = None,
        errors: Sequence[FieldError] = (),
    ) -> WebResponse:
        response = self.pages.policy.response_promise(case)
        templates = self.drafts.offered() if action.templated and self.drafts is not None else []
        return self.pages.page(
            visit,
            f"actions/{action.name}.html",
            status=400 if errors else 200,
            title=action.title,
            action=action,
            case=case,
            type_name=TYPE_NAMES[case.case_type],
            values=values or {},
            errors=[{"text": e.message, "href": f"#{e.field}"} for e in errors],
            field_errors={e.field: {"text": e.message} for e in errors},
            csrf_token=self.pages.sessions.csrf_token(visit.session, now=visit.now),
            officers=self._officer_items(case),
            departments=[{"value": "", "text": "Keep it where it is"}]
            + [
                {"value": d.code, "text": d.name}
                for d in self.pages.directory.active_departments()
                if d.code != case.department
            ],
            max_extension=response.max_extension if response else None,
            outcomes=[{"value": o.value, "text": o.label.capitalize()} for o in outcomes_for(case)],
            is_complaint=case.case_type is CaseType.COMPLAINT,
            remedy_slots=REMEDY_SLOTS,
            remedies_to_do=[
                {
                    "value": str(r.number),
                    "text": r.action,
                    "hint": {"text": f"Promised by {long_date(r.due_on)}"},
                }
                for r in case.remedies_outstanding
            ],
            preferences=preferences_to_heed(case),
            closing_reasons=[
                {"value": r.name, "text": r.text, "counts_as_reply": r.meets_response}
                for r in self.pages.council.closing_without_a_letter.reasons
            ],
            case_types=[
                {"value": t.value, "text": TYPE_NAMES[t]}
                for t in CaseType
                if t is not case.case_type
            ],
            every_case_type=[{"value": t.value, "text": TYPE_NAMES[t]} for t in CaseType],
            reply_templates=template_items(templates, (values or {}).get("template"))
            if templates
            else [],
            channels=[{"value": c.value, "text": CHANNEL_NAMES[c]} for c in Channel],
            reviewers=[{"value": "", "text": "Choose for me"}]
            + [o for o in self._officer_items(case)[1:] if o["value"] != case.assigned_officer],
        )

    def _officer_items(self, case: Case) -> list[dict[str, Any]]:
        names = {d.code: d.name for d in self.pages.directory.departments}
        officers = sorted(
            self.pages.directory.active_officers(),
            key=lambda o: (o.department != case.department, o.name),
        )
        return [{"value": "", "text": "Choose an officer"}] + [
            {
                "value": o.officer_id,
                "text": o.name
                + (f" ({names.get(o.department, o.department)})" if o.department else ""),
                "selected": o.officer_id == case.assigned_officer,
            }
            for o in officers
        ]

    def take(self, visit: Visit, case: Case, action: CaseAction) -> WebResponse:
        """The step taken with the posted answers: refused (StepNotOpen) where the case page
        would not offer it, whatever was posted; the answers checked, then its use case run."""
        values = self.pages.trusted_form(visit)
        action.open_on(case)
        if action.checked and values.get("change"):
            # "Change" on the check page: back to the form, with what was written.
            return self._form(visit, case, action, values=answers_of(values))
        errors = action.check(values, self.pages, case)
        if errors:
            return self._refused(visit, case, action, values, errors, "answers need correcting")
        try:
            if action.checked and values.get("show", "").startswith("pdf:"):
                return LetterCheckPage(self.pages).pdf(visit, case, action, values)
            if action.checked and values.get("confirm") != "yes":
                return LetterCheckPage(self.pages).page(visit, case, action, values)
            action.run(self.pages, visit, case, values)
        except staff.ActionNotAllowed as refusal:
            error = FieldError(action.field_for(refusal), sentence(str(refusal)))
            return self._refused(visit, case, action, values, [error], "step refused")
        sent = self.pages.deliver(case.reference, visit.now)
        return WebResponse(
            status=303,
            body="",
            headers={
                "Location": visit.urls.case(case.reference, done=action.name, held=not sent),
                **security_headers("-", secure=visit.request.secure),
            },
            log_message="case step taken",
            log_fields={"step": action.name, "reference": case.reference, "sent": sent},
        )

    def _refused(
        self,
        visit: Visit,
        case: Case,
        action: CaseAction,
        values: Mapping[str, str],
        errors: Sequence[FieldError],
        why: str,
    ) -> WebResponse:
        page = self._form(visit, case, action, values=values, errors=errors)
        return WebResponse(
            status=page.status,
            body=page.body,
            headers=page.headers,
            log_message=why,
            log_fields={"step": action.name, "fields": [e.field for e in errors]},
        )
