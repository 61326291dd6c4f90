"""Charts as accessible SVG, drawn by pygal: each has a title and a description inside the SVG,
`role="img"` and an `aria-label`, so a screen reader announces what it shows; the page puts the
data table and a sentence of summary beside it, which are what the chart is read from.

pygal is pure Python (about 1.3 MB), so it sits in the Lambda layer too: a staff page can draw
the same charts. Its tooltips' script is switched off and its inline configuration script
removed (the charts must work without JavaScript, under the pages' content security policy), and
its random element ids are replaced by ones made from the chart's name, so the same report gives
the same SVG.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _common() -> dict[str, Any]:
    """What every chart shares. pygal loads with the first chart, not with the reports: a staff
    page without one, and the functions that never draw, do not pay for it."""
    from pygal.style import Style

    # GOV.UK design system colours: a light blue whose bars carry black value labels at better than
    # 4.5:1, then green, orange, red; near-black text; mid-grey guides.
    return {
        "style": Style(
            background="#ffffff",
            plot_background="#ffffff",
            foreground="#0b0c0c",
            foreground_strong="#0b0c0c",
            foreground_subtle="#505a5f",
            colors=("#5694ca", "#00703c", "#f47738", "#d4351c", "#4c2c92"),
            font_family="Arial, Helvetica, sans-serif",
            label_font_size=13,
            major_label_font_size=13,
            value_font_size=13,
            value_label_font_size=13,
            title_font_size=16,
            legend_font_size=13,
            opacity="1",
            opacity_hover="1",
            guide_stroke_color="#b1b4b6",
            major_guide_stroke_color="#b1b4b6",
        ),
        "js": [],  # no script: the chart must read without JavaScript
        "disable_xml_declaration": True,
        "explicit_size": False,
        "show_legend": False,
        "print_values": True,
        "margin": 12,
    }


def _accessible(
    svg: str, chart_id: str, title: str, description: str, nonce: str | None = None
) -> str:
    """The SVG with stable ids, its title and description first, role="img" and a label; with
    `nonce`, its stylesheet carries it, so a page whose content security policy allows only
    styles with that nonce still draws the chart."""
    found = re.search(r'id="(chart-[0-9a-f-]+)"', svg)
    if found:
        svg = svg.replace(found[1], chart_id)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)  # pygal's generator note, with a date
    # pygal writes its configuration for its tooltips script even with no script to load:
    # the charts need no script, and a page's content security policy would refuse it.
    svg = re.sub(r"<script\b.*?</script>", "", svg, flags=re.S)
    # Nor its tooltips' empty overlay, hidden by an inline style attribute, which a page's
    # content security policy (styles by nonce only) would refuse.
    svg = re.sub(
        r'<g [^>]*class="plot tooltip-overlay">'
        r'<g [^>]*class="tooltip"><rect [^>]*/><g class="text" /></g></g>',
        "",
        svg,
    )
    if nonce:
        svg = svg.replace("<style ", f'<style nonce="{html.escape(nonce, quote=True)}" ')
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    opening = re.match(r"<svg\b[^>]*>", svg)
    assert opening is not None
    head = opening[0][:-1] + (
        f' role="img" aria-labelledby="{title_id} {desc_id}"'
        f' aria-label="{html.escape(f"{title}. {description}", quote=True)}"'
        ' focusable="false">'
        f'<title id="{title_id}">{html.escape(title)}</title>'
        f'<desc id="{desc_id}">{html.escape(description)}</desc>'
    )
    return head + svg[opening.end() :]


def bar_chart(
    chart_id: str,
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    percent: bool = False,
    height: int | None = None,
    nonce: str | None = None,
) -> str:
    """A horizontal bar chart (long labels read across), one bar per label."""
    import pygal

    chart = pygal.HorizontalBar(
        **_common(),
        width=720,
        height=height or max(160, 60 + 34 * len(labels)),
        range=(0, 100) if percent else None,
        value_formatter=(lambda v: f"{v:.0f}%") if percent else (lambda v: f"{v:.0f}"),
        truncate_label=-1,
        show_x_guides=True,
        show_y_guides=False,
    )
    if percent:
        chart.y_labels = [0, 20, 40, 60, 80, 100]
    else:
        # Whole numbers on the axis: a count of cases has no halves.
        top = max([int(v) for v in values if v is not None] + [1])
        step = max(1, -(-top // 8))
        chart.y_labels = list(range(0, top + step, step))
    # pygal draws the first label at the bottom: reversed, the chart reads top down like its table.
    chart.x_labels = list(labels)[::-1]
    chart.add(title, list(values)[::-1])
    return _accessible(chart.render(is_unicode=True), chart_id, title, description, nonce)


def line_chart(
    chart_id: str,
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    nonce: str | None = None,
) -> str:
    """A percentage over time, one point a month; a month with nothing to count is a gap."""
    import pygal

    chart = pygal.Line(
        **{**_common(), "print_values": False},  # the table beside it gives each month's figure
        width=720,
        height=300,
        range=(0, 100),
        value_formatter=lambda v: f"{v:.0f}%",
        x_label_rotation=0,
        truncate_label=-1,
        dots_size=5,
        allow_interruptions=True,
        stroke_style={"width": 3},
    )
    chart.x_labels = list(labels)
    chart.add(title, list(values))
    return _accessible(chart.render(is_unicode=True), chart_id, title, description, nonce)
