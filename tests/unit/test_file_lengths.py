"""The house rule that keeps the product's code readable: no module of it over 600 lines. A
module that grows past it is split by what its parts do (as `store/session_ports.py` was taken
out of `store/ports.py`), not trimmed to fit."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LONGEST = 600


def test_no_module_of_the_product_is_over_600_lines():
    modules = [*(ROOT / "shared").rglob("*.py"), *(ROOT / "functions").rglob("*.py")]
    assert len(modules) > 100  # the product's code was found
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in modules
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > LONGEST
    }
    assert too_long == {}
