"""Residents' own cases online: sign-in by an emailed link, their cases, more information, stage 2
and their preferences."""
