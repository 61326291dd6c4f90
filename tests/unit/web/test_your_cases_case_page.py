"""The resident's case page reads the case's clocks once a request, and every date it shows comes
from that one reading."""

from __future__ import annotations

from typing import Any

from sla_monitor.engine import clocks as engine
from sla_monitor.sessions import begin_session, session_digest
from sla_monitor.store.memory import InMemoryCaseStore
from sla_monitor.store.ports import SessionRecord, customer_key
from sla_monitor.web.http.messages import WebRequest
from sla_monitor.web.your_cases.cases import CasePages
from sla_monitor.web.your_cases.session import LONGEST_SESSION, SESSION_COOKIE
from tests.unit.core.test_residents import MONDAY as NOW
from tests.unit.core.test_residents import SAM, a_case
from tests.unit.web.test_your_cases_sign_in import site


def _signed_in(pages: Any, store: InMemoryCaseStore) -> WebRequest:
    """A request from Sam, signed in as a sign-in link would sign them in."""
    session = pages.sessions.start(customer_key(SAM), now=NOW)
    kept = begin_session(
        SessionRecord(
            holder=session.resident,
            session_digest=session_digest(session.session_id),
            started_at=NOW,
            valid_until=NOW + LONGEST_SESSION,
        ),
        credentials_issued_at=NOW,
        store=store,
    )
    assert kept
    return WebRequest(
        base_path="/have-your-say",
        cookies={SESSION_COOKIE: pages.sessions.cookie_value(session, now=NOW)},
    )


def test_the_case_page_reads_the_clocks_once(policy, calendar, monkeypatch):
    store = InMemoryCaseStore()
    case = a_case(store, policy, calendar)
    pages = site(store, calendar, policy)
    readings = []
    read = engine.evaluation_of

    def counted(*args: Any) -> Any:
        readings.append(args[0].reference)
        return read(*args)

    monkeypatch.setattr(engine, "evaluation_of", counted)

    answer = CasePages(pages).case_page(_signed_in(pages, store), case.reference, now=NOW)

    assert answer.status == 200, answer.body[:300]
    assert readings == [case.reference]
    # The reply date the one reading holds: five working days from Monday 2 March.
    assert "9 March 2026" in answer.body
