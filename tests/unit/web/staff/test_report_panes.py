"""The reports page puts each table and each chart of a report in a scrolling pane of its own,
named for a screen reader by the table's caption or the chart's title."""

from __future__ import annotations

from datetime import UTC, datetime

from sla_monitor.web.staff.reports import months_to_choose, scrolling_tables

CHART = (
    '<figure class="sla-report__chart">\n  <svg role="img"><title id="c-title">Each promise'
    "</title><desc>Bars</desc></svg>\n</figure>"
)
TABLE = '<table class="govuk-table"><caption class="x">By <b>department</b></caption></table>'


def test_tables_and_charts_each_scroll_in_a_pane_named_for_them():
    body = scrolling_tables(f"<h2>Promises</h2>{CHART}<p>Then</p>{TABLE}")
    assert body == (
        "<h2>Promises</h2>"
        '<div class="app-table-scroll" role="region" tabindex="0" aria-label="Each promise">'
        f"{CHART}</div><p>Then</p>"
        '<div class="app-table-scroll" role="region" tabindex="0" aria-label="By department">'
        f"{TABLE}</div>"
    )


def test_the_months_to_choose_are_this_one_and_the_35_before_it_newest_first():
    months = months_to_choose(datetime(2026, 12, 7, 22, 0, tzinfo=UTC))
    assert len(months) == 36
    assert [m.key for m in months[:3]] == ["2026-12", "2026-11", "2026-10"]
    assert months[-1].key == "2024-01"
    # Midnight in London on the first of a month is still the month before in UTC, in summer.
    assert months_to_choose(datetime(2026, 6, 30, 23, 30, tzinfo=UTC))[0].key == "2026-07"
