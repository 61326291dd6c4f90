"""Residents' own cases, behind the public API's `/your-cases`."""
