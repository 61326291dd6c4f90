"""The work list's exports in the cases table, one item each under `EXPORT#<id>`, expiring a day
after they were asked for (a part of `DynamoDBCaseStore`)."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError

from sla_monitor.cases import CaseType, Channel
from sla_monitor.store.ports import ExportStatus, WorkListExport
from sla_monitor.work_list import Reach, WorkListFilter

SORT_KEY = "EXPORT"


def export_key(export_id: str) -> str:
    return f"EXPORT#{export_id}"


def _view_text(reach: Reach, wanted: WorkListFilter) -> str:
    return json.dumps({"reach": asdict(reach), "wanted": asdict(wanted)}, sort_keys=True)


def _view(text: str) -> tuple[Reach, WorkListFilter]:
    view = json.loads(text)
    reach, wanted = view["reach"], view["wanted"]
    departments = wanted["departments"]
    return (
        Reach(
            departments=tuple(reach["departments"]),
            complaints=reach["complaints"],
            referred=reach["referred"],
            everything=reach["everything"],
        ),
        WorkListFilter(
            owner=wanted["owner"],
            unassigned=wanted.get("unassigned", False),
            departments=None if departments is None else tuple(departments),
            case_type=CaseType(wanted["case_type"]) if wanted["case_type"] else None,
            channel=Channel(wanted["channel"]) if wanted["channel"] else None,
            stage=wanted["stage"],
            breached=wanted["breached"],
            due_within=wanted["due_within"],
            search=wanted["search"],
            references=tuple(wanted.get("references", ())),
        ),
    )


class ExportRecords:
    """Keeps, reads and finishes the work list's exports."""

    models: Any

    def keep_export(self, export: WorkListExport, *, expires_at: datetime) -> None:
        m = self.models.export
        m(
            export_key(export.export_id),
            SORT_KEY,
            officer_id=export.officer_id,
            view=_view_text(export.reach, export.wanted),
            status=export.status.value,
            created_at=export.created_at,
            expires_at=expires_at,
        ).save(condition=m.pk.does_not_exist())

    def get_export(self, export_id: str) -> WorkListExport | None:
        try:
            item = self.models.export.get(export_key(export_id), SORT_KEY, consistent_read=True)
        except DoesNotExist:
            return None
        reach, wanted = _view(item.view)
        return WorkListExport(
            export_id=export_id,
            officer_id=item.officer_id,
            reach=reach,
            wanted=wanted,
            created_at=item.created_at,
            status=ExportStatus(item.status),
            rows=int(item.rows) if item.rows is not None else None,
            key=item.file_key,
            reason=item.reason,
            finished_at=item.finished_at,
        )

    def finish_export(self, export: WorkListExport) -> bool:
        m = self.models.export
        actions = [m.status.set(export.status.value)]
        if export.finished_at is not None:
            actions.append(m.finished_at.set(export.finished_at))
        if export.rows is not None:
            actions.append(m.rows.set(export.rows))
        if export.key is not None:
            actions.append(m.file_key.set(export.key))
        if export.reason is not None:
            actions.append(m.reason.set(export.reason))
        try:
            m(export_key(export.export_id), SORT_KEY).update(
                actions=actions,
                condition=m.pk.exists() & (m.status == ExportStatus.PREPARING.value),
            )
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True
