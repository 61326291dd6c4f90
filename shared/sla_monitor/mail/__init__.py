"""Email intake: a raw message in, exactly one outcome out (a case, a reply, or triage).

`message` parses MIME without ever raising, `triage` spots mail that must not become a case,
`classification` makes the first guess at the case type, `replies` finds the case a reply belongs
to, and `receive` ties them to the intake use cases. `events` reads the Lambda events, and
`raw_mail` is the small port the raw bytes and attachments go through.
"""

# Who the timeline says registered a case the email intake made.
ACTOR = "email intake"
