"""Local tooling: what runs on a person's own computer and never in Lambda. The demo's month, the
local stack (a moto server, the resources, sample cases and staff), in-process AWS for the tests
and the demo, the narrow fixes to moto's DynamoDB, provisioning a local endpoint, seeding
synthetic cases, and the local API server. The Lambda layer leaves this package out; nothing in
`sla_monitor` imports it but the command line's local commands, when they run."""
