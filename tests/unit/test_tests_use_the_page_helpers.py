"""The tests check a response's status through ``tests.pages.expect`` (or
``ok`` / ``expect_json``), which says what came back when it is not what was
expected, instead of a bare ``status_code == 200`` that says nothing."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
BARE = re.compile(r"assert\s.*\.status_code\s*==\s*200\b")


def test_no_test_asserts_a_bare_200():
    bare = [
        f"{path.relative_to(TESTS)}:{number}"
        for path in sorted(TESTS.rglob("test_*.py"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if BARE.search(line)
    ]
    assert bare == [], "use tests.pages.expect (or ok, expect_json): " + ", ".join(bare)
