"""The steps on a case, routed from the steps table (`web.staff.steps.ACTIONS`): a form (GET) and
its answer (POST) for each, behind the permission its line of the table names."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response

from sla_monitor.runtime import services
from sla_monitor.web.staff.permissions import requires
from sla_monitor.web.staff.routes.collaborators import staff_pages
from sla_monitor.web.staff.routes.errors import answer_case_refusals
from sla_monitor.web.staff.routes.resolver import app, current_request, respond
from sla_monitor.web.staff.step_forms import StepPages
from sla_monitor.web.staff.steps import ACTIONS, CaseAction

answer_case_refusals()


def _pages() -> StepPages:
    # The council's reply templates are in the directory table, read where a step offers them.
    return StepPages(staff_pages(), templates=services().directory_store)


def _form(reference: str, name: str) -> Response:
    current = current_request()
    return respond(_pages().form(current.visit(), current.case(reference), ACTIONS[name]))


def _step(reference: str, name: str) -> Response:
    current = current_request()
    return respond(_pages().take(current.visit(), current.case(reference), ACTIONS[name]))


def _route_step(action: CaseAction) -> None:
    """A step's form (GET) and its answer (POST), both behind the permission its line of the
    steps table names: the one place that permission is written."""
    path = f"/cases/<reference>/{action.name}"

    def form(reference: str) -> Response:
        return _form(reference, action.name)

    def answer(reference: str) -> Response:
        return _step(reference, action.name)

    form.__name__ = f"{action.name.replace('-', '_')}_form"
    answer.__name__ = action.name.replace("-", "_")
    app.get(path)(requires(action.permission)(form))
    app.post(path)(requires(action.permission, target=action.target)(answer))


for _action in ACTIONS.values():
    _route_step(_action)
