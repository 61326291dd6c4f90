"""The administrators' pages: the directory (departments, officers, the council-wide roles),
the days the council closes, and staff accounts.

The pages read and check the answers; each change is a use case: `directory_changes` for the
directory and closure days (a closure re-times the open cases whose dates it moves, as
`sla-monitor calendar` does), `staff_accounts` for accounts. Their refusals are shown beside the
field they concern, with the answers kept. Nobody and nothing is deleted: officers and
departments are retired, accounts disabled.
"""
