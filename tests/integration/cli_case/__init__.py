"""`sla-monitor case ...` against in-process AWS, a module per part of the command: logging,
showing and listing cases; the staff steps; stage 2 and refusals."""
