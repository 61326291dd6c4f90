"""The work list's spreadsheet: the download form starts an export of the view shown
(`work_list_export.start_export`), and the export's page says how it stands, offering a link to
the file that works for a few minutes once it is ready. Only the officer who asked sees it."""

from __future__ import annotations

from urllib.parse import urlencode

from sla_monitor.lookups import ExportNotFound
from sla_monitor.store.ports import WorkListExport
from sla_monitor.web.http.messages import WebResponse
from sla_monitor.web.staff.pages import StaffPages, Visit
from sla_monitor.web.staff.permissions import work_list_reach
from sla_monitor.web.staff.work_list_actions import back_to_list, chosen_references
from sla_monitor.web.staff.work_list_query import WorkListQuery
from sla_monitor.work_list import WorkListFilter
from sla_monitor.work_list_export import (
    LINK_LIFETIME_SECONDS,
    ExportStage,
    filename,
    reason_of,
    stage_of,
    start_export,
)

# How often the page looks again while the list is being prepared.
REFRESH_SECONDS = 3

_TITLES = {
    ExportStage.PREPARING: "Your spreadsheet is being prepared",
    ExportStage.READY: "Your spreadsheet is ready",
    ExportStage.FAILED: "Your spreadsheet could not be prepared",
    ExportStage.EXPIRED: "This spreadsheet is no longer available",
}


class ExportPages:
    def __init__(self, pages: StaffPages) -> None:
        self.pages = pages

    def start(self, visit: Visit) -> WebResponse:
        """Start an export of the view the form carries, and go to its page."""
        form = self.pages.trusted_form(visit)
        query = WorkListQuery.from_query(form)
        wanted = query.wanted(visit.viewer)
        if form.get("download") == "chosen":
            # The rows ticked in the list, whatever view they were shown in.
            references = chosen_references(visit.request.body)
            if not references:
                return back_to_list(
                    self.pages, visit, form.get("view", ""), [("problem", "choose_download")]
                )
            wanted = WorkListFilter(references=tuple(references))
        if query.errors or self.pages.export_starter is None:
            # The list itself says what is wrong with its filters.
            return self.pages.see_other(
                visit, visit.urls.cases(query.query_string()), "work list export refused"
            )
        export = start_export(
            self.pages.store,
            self.pages.export_starter(),
            officer_id=visit.viewer.officer_id,
            reach=work_list_reach(visit.viewer),
            wanted=wanted,
            now=visit.now,
        )
        return self.pages.see_other(
            visit,
            visit.urls.export(export.export_id),
            "work list export started",
            export_id=export.export_id,
        )

    def _own(self, visit: Visit, export_id: str) -> WorkListExport:
        export = self.pages.store.get_export(export_id)
        if export is None or export.officer_id != visit.viewer.officer_id:
            raise ExportNotFound(export_id)
        return export

    def show(self, visit: Visit, export_id: str) -> WebResponse:
        export = self._own(visit, export_id)
        stage = stage_of(export, visit.now)
        link = None
        if stage is ExportStage.READY and export.key and self.pages.export_files is not None:
            link = self.pages.export_files().link(export.key, filename(export))
        return self.pages.page(
            visit,
            "export.html",
            title=_TITLES[stage],
            stage=stage.value,
            refresh=REFRESH_SECONDS if stage is ExportStage.PREPARING else None,
            rows=export.rows,
            link=link,
            filename=filename(export),
            link_minutes=LINK_LIFETIME_SECONDS // 60,
            reason=reason_of(export, visit.now),
            here=visit.urls.export(export.export_id),
            list_url=visit.urls.cases(urlencode(_pairs(export))),
        )


def _pairs(export: WorkListExport) -> list[tuple[str, str]]:
    """The work list's address for the export's view (its filters, as far as the address says
    them)."""
    wanted = export.wanted
    whose = (
        "mine"
        if wanted.owner
        else "unassigned"
        if wanted.unassigned
        else ("department" if wanted.departments is not None else "")
    )
    pairs = [
        ("whose", whose),
        ("type", wanted.case_type.value if wanted.case_type else ""),
        ("channel", wanted.channel.value if wanted.channel else ""),
        ("stage", str(wanted.stage) if wanted.stage else ""),
        ("breached", "yes" if wanted.breached else ""),
        ("due_within", "" if wanted.due_within is None else str(wanted.due_within)),
        ("q", wanted.search or ""),
    ]
    return [(k, v) for k, v in pairs if v]
