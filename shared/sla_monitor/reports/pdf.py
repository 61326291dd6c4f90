"""The annual complaints report as an A4 PDF, made with fpdf2 (no browser): the same headings,
summaries and tables as the HTML report, set in Noto Sans. The charts are in the HTML report
(which prints on A4 as well): fpdf2 draws SVG without its stylesheet, so pygal's charts would
come out as black boxes; every figure a chart shows is in a table here."""

from __future__ import annotations

from collections.abc import Sequence

from fpdf import FPDF
from fpdf.fonts import FontFace

from sla_monitor.checker.printable import FONTS
from sla_monitor.reports.annual import AnnualComplaintsReport
from sla_monitor.reports.html import _annual_summary, as_at, percent
from sla_monitor.wording import day_month_year

_FAMILY = "NotoSans"
_GREY = (80, 90, 95)
_BLUE = (29, 112, 184)


class _Report(FPDF):
    def __init__(self, council: str, title: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.council = council
        self.report_title = title
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(auto=True, margin=20)
        self.add_font(_FAMILY, "", str(FONTS / "NotoSans-Regular.ttf"))
        self.add_font(_FAMILY, "B", str(FONTS / "NotoSans-Bold.ttf"))
        self.set_title(title)
        self.set_author(council)
        self.set_lang("en-GB")

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(_FAMILY, "", 8)
        self.set_text_color(*_GREY)
        self.cell(0, 5, f"{self.council} – {self.report_title}", align="L")
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0, 0, 0)

    def heading(self, text: str, size: float = 14) -> None:
        if self.get_y() > 240:
            self.add_page()
        self.ln(4)
        self.set_font(_FAMILY, "B", size)
        self.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)

    def paragraph(self, text: str, size: float = 10, grey: bool = False) -> None:
        self.set_font(_FAMILY, "", size)
        if grey:
            self.set_text_color(*_GREY)
        self.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(2)

    def figures(
        self,
        caption: str,
        headings: Sequence[str],
        rows: Sequence[Sequence[object]],
        widths: Sequence[float],
        numeric_from: int = 1,
    ) -> None:
        self.set_font(_FAMILY, "B", 10)
        self.multi_cell(0, 5, caption, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1)
        self.set_font(_FAMILY, "", 9)
        align = ["LEFT"] * numeric_from + ["RIGHT"] * (len(headings) - numeric_from)
        with self.table(
            col_widths=tuple(widths),
            text_align=tuple(align),
            headings_style=FontFace(emphasis="BOLD", fill_color=(243, 242, 241)),
            line_height=5,
            borders_layout="HORIZONTAL_LINES",
            first_row_as_headings=True,
            repeat_headings=1,
        ) as table:
            table.row([str(h) for h in headings])
            for row in rows:
                table.row([str(cell) for cell in row])
        self.ln(3)


def annual_report_pdf(report: AnnualComplaintsReport) -> bytes:
    title = f"Annual complaints performance and service improvement report {report.period.label}"
    pdf = _Report(report.council, title)
    pdf.add_page()
    pdf.set_draw_color(*_BLUE)
    pdf.set_line_width(1.2)
    pdf.line(18, 14, 192, 14)
    pdf.set_line_width(0.2)
    pdf.set_draw_color(0, 0, 0)
    pdf.paragraph(report.council, size=12, grey=True)
    pdf.heading(title, size=18)
    pdf.paragraph(
        f"For {report.period.long_label}, as at {as_at(report.as_at)}. Set out under the headings "
        "of the Housing Ombudsman and Local Government and Social Care Ombudsman Complaint "
        "Handling Code.",
        size=9,
        grey=True,
    )
    if report.year_in_progress:
        pdf.paragraph(f"The year is not over yet: these figures run to {as_at(report.as_at)}.")
    if report.empty:
        pdf.paragraph(
            "No complaints, compliments or comments were received or answered in "
            f"{report.period.long_label}: there is nothing to report for the year.",
            size=12,
        )
        return bytes(pdf.output())
    pdf.paragraph(_annual_summary(report), size=12)

    pdf.heading("Complaints received")
    pdf.figures(
        "Complaints received in the year, by stage",
        ("Stage", "Received", "Responses sent", "Deadlines extended"),
        [(f"Stage {s.stage}", s.received, s.answered, s.extended) for s in report.stages],
        (50, 40, 40, 44),
    )
    one, two = report.stage(1), report.stage(2)
    pdf.heading("Responses within the timescales")
    pdf.paragraph(
        f"The Code expects a response within {one.code_days} working days of acknowledging a "
        f"stage 1 complaint and {two.code_days} at stage 2, with one extension of up to "
        f"{one.code_days} and {two.code_days} more. Our own promise is "
        f"{one.policy_days or '–'} working days at stage 1 and {two.policy_days or '–'} at "
        "stage 2, as our complaints policy counts them."
    )
    pdf.figures(
        "Responses sent in the year within the timescales",
        ("Stage", "Responses sent", "Within the Code", "Share", "Within our own", "Share"),
        [
            (
                f"Stage {s.stage}",
                s.answered,
                s.within_code,
                percent(s.percent_within_code),
                s.within_policy,
                percent(s.percent_within_policy),
            )
            for s in report.stages
        ],
        (30, 30, 32, 25, 32, 25),
    )
    pdf.heading("Outcomes")
    pdf.figures(
        "What the responses sent in the year found",
        ("Stage", "Upheld", "Partly upheld", "Not upheld"),
        [(f"Stage {s.stage}", *s.outcomes.values()) for s in report.stages],
        (50, 40, 40, 44),
    )
    pdf.heading("The Ombudsman")
    referrals = report.ombudsman_referrals
    pdf.paragraph(
        f"{referrals} complaint{' was' if referrals == 1 else 's were'} taken to the Local "
        "Government and Social Care Ombudsman in the year."
    )
    pdf.heading("Complaints by department")
    if report.departments:
        pdf.figures(
            "Complaints received in the year by the department concerned",
            ("Department", "Stage 1", "Upheld or partly", "Not upheld", "Stage 2 reviews"),
            [
                (d.department, d.complaints, d.upheld, d.not_upheld, d.stage_2)
                for d in report.departments
            ],
            (62, 26, 30, 26, 30),
        )
    else:
        pdf.paragraph("No complaints were received in the year.")
    pdf.heading("Complaints refused")
    if report.refused:
        pdf.figures(
            "Complaints not taken through the complaints procedure in the year, with the reasons",
            ("Department", "Complaint", "Reason"),
            [
                (r.department, f"{r.reference}, {day_month_year(r.refused_on)}", r.reason)
                for r in report.refused
            ],
            (40, 50, 84),
            numeric_from=3,
        )
    else:
        pdf.paragraph("No complaints were refused in the year.")
    pdf.heading("What we learned and changed")
    if report.lessons:
        pdf.figures(
            "Lessons learned recorded with the responses sent in the year",
            ("Department", "Complaint", "What we will change"),
            [
                (
                    lesson.department,
                    f"{lesson.reference}, stage {lesson.stage}, {lesson.outcome.label}, "
                    f"{day_month_year(lesson.recorded_on)}",
                    lesson.text,
                )
                for lesson in report.lessons
            ],
            (40, 50, 84),
            numeric_from=3,
        )
    else:
        pdf.paragraph("No lessons were recorded with the responses sent in the year.")
    pdf.heading("Compliments and comments")
    if report.feedback:
        pdf.figures(
            "Compliments and comments received in the year, by service",
            ("Service", "Compliments", "Comments"),
            [(f.department, f.compliments, f.comments) for f in report.feedback],
            (94, 40, 40),
        )
    else:
        pdf.paragraph("No compliments or comments were received in the year.")
    pdf.heading("How to read this report", size=11)
    pdf.paragraph(
        "Each figure counts what happened in the year: complaints received at stage 1, reviews "
        "asked for at stage 2, responses sent, extensions granted and referrals to the "
        "Ombudsman. The Code's timescale counts working days from the acknowledgement (or "
        "receipt, where none was recorded), with an extension granted on the case up to the "
        "Code's limit, and does not stop while we wait on the customer; our own timescale is "
        "our complaints policy, which does.",
        size=9,
    )
    return bytes(pdf.output())
