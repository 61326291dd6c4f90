"""The deadline checker: the scheduled sweep that keeps every promise, exactly once.

`sweep` reads the due cases from the next-due index, asks the SLA engine what is owed, and does
it through a `Mailer`; `delivery_events` handles what SES says became of the mail afterwards
(bounces); `digest` sends each officer a daily list of what is due. `wiring` builds them from
the runtime services for the Lambda functions and the CLI.
"""
