"""The `sla-monitor` command line."""
