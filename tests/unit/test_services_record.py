"""Every service that changes stored data records an audit event.

The services are listed by reading the code: every public function of an
area's ``services.py`` that takes an ``actor`` (the person making a change)
or is named below as changing data without one. Each must record — call
``audit.record``, send a domain event (``signals.<event>.send``), whose
receiver in the audit log records it, or call a function of its own module
that does. A new service that records nothing fails here; the strict audit
trail (``AUDIT_STRICT``, on in every test) catches at run time any request
that changes a record without an event.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "commission"

# Services that change data without an ``actor``: the person is the one the
# change is about, or nobody is signed in.
WITHOUT_ACTOR = {
    ("notifications/services.py", "set_preferences"),
    ("notifications/services.py", "renew_calendar_token"),
    ("auth/services.py", "request_password_reset"),
    ("auth/services.py", "issue_password_reset"),
    ("tokens/services.py", "authenticate"),
}
# Functions that take an actor but are not services of their own: each
# caller records the change it is part of.
NOT_SERVICES = {
    ("audit/services.py", "record"): "it is the recording",
    ("auth/services.py", "issue_link_token"): "invitations and resets record their link",
}


def _functions(path: Path) -> dict[str, ast.FunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


def _records_directly(call: ast.expr) -> bool:
    if isinstance(call, ast.Attribute) and call.attr == "record":
        return isinstance(call.value, ast.Name) and call.value.id == "audit"
    if isinstance(call, ast.Attribute) and call.attr == "send":
        target = call.value
        return (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and target.value.id == "signals"
        )
    return False


def _records(name: str, functions: dict[str, ast.FunctionDef], seen: set[str]) -> bool:
    if name in seen:
        return False
    seen.add(name)
    for node in ast.walk(functions[name]):
        if not isinstance(node, ast.Call):
            continue
        if _records_directly(node.func):
            return True
        callee = node.func.id if isinstance(node.func, ast.Name) else None
        if callee in functions and _records(callee, functions, seen):
            return True
    return False


def _services() -> Iterator[tuple[str, str, bool]]:
    for path in sorted(ROOT.rglob("services.py")):
        where = path.relative_to(ROOT).as_posix()
        functions = _functions(path)
        for name, function in functions.items():
            takes_actor = "actor" in {arg.arg for arg in function.args.kwonlyargs}
            if name.startswith("_") or (where, name) in NOT_SERVICES:
                continue
            if takes_actor or (where, name) in WITHOUT_ACTOR:
                yield where, name, _records(name, functions, set())


SERVICES = list(_services())


def test_the_services_are_found():
    names = {(where, name) for where, name, _ in SERVICES}
    assert len(names) > 50
    assert names >= WITHOUT_ACTOR
    assert ("meetings/services.py", "add_item") in names


@pytest.mark.parametrize(("where", "name", "records"), SERVICES)
def test_every_service_that_changes_data_records_it(where, name, records):
    assert records, f"{where}: {name} changes data and records no audit event"
