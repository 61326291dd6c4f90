"""Reports of how well the council keeps its promises, for managers, members and the Ombudsman.

`compliance` is the monthly compliance report (every promise of the cases received in a month,
and what became of it); `annual` is the annual complaints performance and service-improvement
report along the Complaint Handling Code's headings. Both are plain figures worked out from
cases; `reading` fetches a period's cases from the store, `charts`, `html`, `tables` and `pdf`
present the figures. The CLI (`sla-monitor report`) and the demo call the same functions, and a
staff page can embed `html.monthly_report_body` / `html.annual_report_body`.
"""
