"""The days the council closes: closing a day and opening it again are use cases of
`directory_changes`, and the open cases whose dates the change moves are re-timed, as
`sla-monitor calendar` does."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from datetime import date, timedelta
from typing import Any

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.directory_changes import (
    DirectoryChangeRefused,
    check_closable,
    close_day,
    reopen_day,
)
from sla_monitor.lookups import NotInTheDirectory
from sla_monitor.retiming import Retiming, retime_open_cases
from sla_monitor.store.ports import DirectoryStore
from sla_monitor.web.forms import FieldError
from sla_monitor.web.http.messages import WebResponse
from sla_monitor.web.staff.administration.forms import MAX_NAME, refusal_error
from sla_monitor.web.staff.answers import day_from
from sla_monitor.web.staff.pages import StaffPages, Visit
from sla_monitor.wording import long_date


def _day_or_none(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _first_moved(retiming: Retiming) -> date:
    """The earliest date a change moves on the case, to list the soonest first."""
    return min((c.old_due or date.max for c in retiming.moved), default=date.max)


class CalendarPages:
    def __init__(
        self,
        pages: StaffPages,
        *,
        store: DirectoryStore,
        calendar: Callable[[], WorkingDayCalendar],
        configured: Collection[date],
        forget: Callable[[], None],
    ) -> None:
        self.pages = pages
        self.store = store
        self.calendar = calendar  # the council's calendar as it stands (read again after forget)
        self.configured = configured
        self.forget = forget

    def overview(self, visit: Visit) -> WebResponse:
        calendar = self.calendar()
        today = calendar.local(visit.now).date()
        stored = self.store.closure_days()
        closures: list[dict[str, Any]] = sorted(
            [
                {
                    "day": c.day,
                    "reason": c.reason,
                    "added": f"by {self._name(c.added_by)}, {c.added_at:%d %b %Y}",
                    "open": visit.urls.page(f"calendar/{c.day.isoformat()}/open")
                    if c.day >= today
                    else None,
                }
                for c in stored
            ]
            + [
                {"day": d, "reason": "Closed in council.yaml", "added": "", "open": None}
                for d in self.configured
                if d not in {c.day for c in stored}
            ],
            key=lambda c: str(c["day"]),
        )
        year_on = today + timedelta(days=365)
        holidays = [
            {"day": day, "name": name}
            for day in (today + timedelta(days=n) for n in range((year_on - today).days))
            if (name := calendar.bank_holiday_name(day))
        ]
        query = visit.request.query
        done, done_day = query.get("done"), query.get("day", "")
        # References only: administrators keep the calendar but do not read cases.
        moved = [
            {"reference": r}
            for r in query.get("cases", "").split(",")
            if re.fullmatch(r"[A-Z0-9-]+", r)
        ]
        return self.pages.page(
            visit,
            "calendar/overview.html",
            title="Closure days",
            done=done if done in ("closed", "opened") else None,
            done_day=_day_or_none(done_day),
            moved_count=int(query["moved"]) if query.get("moved", "").isdigit() else 0,
            moved=moved,
            closures=[c for c in closures if c["day"] >= today],
            past=[c for c in closures if c["day"] < today][-10:],
            holidays=holidays,
            close_url=visit.urls.page("calendar/close"),
        )

    def _name(self, officer_id: str) -> str:
        return self.pages.directory.officer_name(officer_id)

    def _stored(self, day_text: str) -> Any:
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            raise NotInTheDirectory(day_text) from None
        found = next((c for c in self.store.closure_days() if c.day == day), None)
        if found is None:
            raise NotInTheDirectory(day_text)
        return found

    def close_form(
        self,
        visit: Visit,
        *,
        values: Mapping[str, str] | None = None,
        errors: tuple[FieldError, ...] = (),
        why: str | None = None,
    ) -> WebResponse:
        return self.pages.form_page(
            visit,
            "calendar/close.html",
            title="Close the council on a day",
            values=values or {},
            errors=errors,
            why=why,
            action_url=visit.urls.page("calendar/close"),
            back=visit.urls.page("calendar"),
        )

    def close(self, visit: Visit) -> WebResponse:
        values = self.pages.trusted_form(visit)
        day, error = day_from(values, "day", "the day")
        errors = [error] if error else []
        reason = values.get("reason", "").strip()
        if not reason:
            errors.append(FieldError("reason", "Enter why the council closes"))
        elif len(reason) > MAX_NAME:
            errors.append(FieldError("reason", f"Use {MAX_NAME} characters or fewer"))
        if errors or day is None:
            return self.close_form(visit, values=values, errors=tuple(errors))
        before = self.calendar()
        if values.get("confirm") != "yes":
            return self._check_page(visit, values, day=day, reason=reason, before=before)
        try:
            closure = close_day(
                day,
                reason=reason,
                by=visit.viewer.officer_id,
                now=visit.now,
                store=self.store,
                calendar=before,
            )
        except DirectoryChangeRefused as refusal:
            error = refusal_error(refusal, {"day": "day", "reason": "reason"})
            return self.close_form(visit, values=values, errors=(error,), why="change refused")
        moved = self._retime(visit, before, why=f"{closure.day.isoformat()} closed")
        return self._done(visit, "closed", closure.day, moved)

    def _check_page(
        self,
        visit: Visit,
        values: Mapping[str, str],
        *,
        day: date,
        reason: str,
        before: WorkingDayCalendar,
    ) -> WebResponse:
        """Before a day closes: which open cases it moves, each promise's date now and after,
        and whose customer will be told a new reply date. Nothing is written."""
        try:
            check_closable(day, now=visit.now, store=self.store, calendar=before)
        except DirectoryChangeRefused as refusal:
            error = refusal_error(refusal, {"day": "day", "reason": "reason"})
            return self.close_form(visit, values=values, errors=(error,), why="change refused")
        preview = retime_open_cases(
            store=self.pages.store,
            directory_store=self.store,
            policy=self.pages.policy,
            calendar=before.with_closure_days([day]),
            old_calendar=before,
            now=visit.now,
            by=visit.viewer.officer_id,
            dry_run=True,
        )
        moved = [
            {
                "reference": r.reference,
                "dates": [
                    {
                        "promise": c.description or c.promise.replace("_", " "),
                        "old": c.old_due,
                        "new": c.new_due,
                    }
                    for c in r.moved
                ],
                "new_reply_day": r.new_reply_day if r.reply_day_moved else None,
            }
            for r in sorted(preview, key=_first_moved)
            if r.moved
        ]
        return self.pages.form_page(
            visit,
            "calendar/close-check.html",
            title=f"Check before you close the council on {long_date(day)}",
            values={
                "day-day": str(day.day),
                "day-month": str(day.month),
                "day-year": str(day.year),
                "reason": reason,
            },
            day=day,
            reason=reason,
            moved=moved,
            action_url=visit.urls.page("calendar/close"),
            back=visit.urls.page("calendar/close"),
        )

    def open_form(
        self, visit: Visit, day: str, *, errors: tuple[FieldError, ...] = ()
    ) -> WebResponse:
        closure = self._stored(day)
        return self.pages.form_page(
            visit,
            "calendar/open.html",
            title=f"Open {long_date(closure.day)} again",
            errors=errors,
            why="change refused" if errors else None,
            closure=closure,
            action_url=visit.urls.page(f"calendar/{closure.day.isoformat()}/open"),
            back=visit.urls.page("calendar"),
        )

    def open(self, visit: Visit, day: str) -> WebResponse:
        self.pages.trusted_form(visit)
        closure = self._stored(day)
        before = self.calendar()
        try:
            reopen_day(closure.day, now=visit.now, store=self.store, calendar=before)
        except DirectoryChangeRefused as refusal:
            return self.open_form(visit, day, errors=(refusal_error(refusal, {}),))
        moved = self._retime(visit, before, why=f"{closure.day.isoformat()} open again")
        return self._done(visit, "opened", closure.day, moved)

    def _retime(self, visit: Visit, before: WorkingDayCalendar, *, why: str) -> list[Retiming]:
        """As `sla-monitor calendar` does: the open cases whose due dates the changed calendar
        moved are re-timed, each with a timeline entry saying which dates moved and why."""
        self.forget()  # what follows counts with the changed calendar
        results = retime_open_cases(
            store=self.pages.store,
            directory_store=self.store,
            policy=self.pages.policy,
            calendar=self.calendar(),
            old_calendar=before,
            now=visit.now,
            by=visit.viewer.officer_id,
            dry_run=False,
            why=why,
        )
        return [r for r in results if r.moved]

    def _done(self, visit: Visit, done: str, day: date, moved: list[Retiming]) -> WebResponse:
        shown = ",".join(r.reference for r in moved[:10])
        query = f"done={done}&day={day.isoformat()}&moved={len(moved)}&cases={shown}"
        return self.pages.see_other(
            visit,
            visit.urls.page("calendar", query),
            "calendar changed",
            change=done,
            retimed=len(moved),
        )
