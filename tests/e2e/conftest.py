"""The staff workspace's browser fixtures, for every journey module (see staff_browser.py)."""

from .staff_browser import chromium, staff_page, staff_stack  # noqa: F401
