"""The deadline checker: the scheduled sweep that keeps every promise, exactly once.

`sweep` reads the due cases from the next-due index, asks the SLA engine what is owed, and does
it through a `Mailer`; `digest` sends each officer a daily list of what is due; and
`delivery_events` records what SES says became of the mail afterwards (bounces). `wiring` builds
them from the runtime services for the Lambda functions and the CLI; `seeding` makes synthetic
cases for load tests and the benchmark.
"""
