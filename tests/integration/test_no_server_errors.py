"""No input answers with a 500. Every page is asked for with every query
parameter the app reads set to values a careless or hostile visitor might
send, and with its numeric path parameters beyond 64 bits; every form in the
access matrix is sent by someone allowed to send it with its fields missing,
empty, over-long, of the wrong type, with dates that do not exist, hidden
fields tampered and unknown ids. Every answer is below 500, no page shows
one of WTForms' built-in messages (people get ones written for them), and an
answer that is not a redirect (the form again, or a 4xx) changed nothing
stored: the change counter has not moved. (A value that is bad for one form
can be fine for another, "abc" as a title say: that form is accepted, and the
audit trail's strict mode requires the change to be recorded.)

The records each URL points at come from the access matrix (``targets``).
"""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import request, url_for

from commission import access, changes, create_app
from commission.access import RuleKind
from commission.auth.roles import Role
from commission.extensions import db
from tests import factories
from tests.integration.test_access import targets  # noqa: F401 (a fixture)

HUGE = str(2**70)
QUERY_NAMES = [
    "page", "year", "q", "status", "type", "region", "control", "role", "authority",
    "action", "after", "before", "snapshot", "list", "next", "email", "meeting", "owner",
    "question", "position", "theme", "actor", "from", "to", "kind", "file_format",
    "department", "with", "since", "until",
]  # fmt: skip
QUERY_VALUES = [
    "abc",
    "-1",
    "0",
    HUGE,
    "9" * 40,
    "2026-02-30",
    "1e9",
    "%",
    "'\"><script>alert(1)</script>",
    "ü€\U0001d7d8",
    "a\x00b",
    "x" * 5000,
]
BUILT_IN_MESSAGES = ("Not a valid", "This field is required.", "Invalid Choice")


def _endpoints(method: str) -> list[str]:
    """Every endpoint answering ``method`` (read off an app's routes)."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted(
        {
            rule.endpoint
            for rule in app.url_map.iter_rules()
            if rule.endpoint != "static" and method in (rule.methods or ())
        }
    )


PAGES = _endpoints("GET")
FORMS = _endpoints("POST")


def _rule(app: Any, endpoint: str) -> Any:
    return getattr(app.view_functions[endpoint], access.RULE_ATTRIBUTE)


def sign_in_to_use(app, client, endpoint: str) -> None:
    """As someone the endpoint is for: the secretariat, or a holder of its
    role where the secretariat may not use it."""
    rule = _rule(app, endpoint)
    role = Role.SECRETARIAT
    if rule.kind is RuleKind.ANONYMOUS_ONLY:
        return
    if rule.kind is RuleKind.ROLES and Role.SECRETARIAT not in rule.roles:
        role = sorted(rule.roles, key=lambda r: r.value)[0]
    person = factories.user(role=role)
    db.session.flush()
    with client.session_transaction() as session:
        session["_user_id"] = person.get_id()
        session["_fresh"] = True


def assert_fine(response, what: str) -> None:
    __tracebackhide__ = True
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if response.mimetype != "text/html":
        return
    body = response.get_data(as_text=True)
    shown = [message for message in BUILT_IN_MESSAGES if message in body]
    assert not shown, f"{what}: shows WTForms' own message {shown}"


def _with_huge_ids(app, endpoint: str, url: str) -> list[str]:
    """``url`` with each whole-number path parameter beyond 64 bits (and 0)."""
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    numeric = [name for name, converter in rule._converters.items() if converter.regex == r"\d+"]
    if not numeric:
        return []
    adapter = app.url_map.bind("localhost")
    _, values = adapter.match(url, method="POST" if "GET" not in rule.methods else "GET")
    urls = []
    for name in numeric:
        for value in (HUGE, "0"):
            with app.test_request_context():
                urls.append(url_for(endpoint, **{**values, name: int(value)}))
    return urls


@pytest.mark.parametrize("endpoint", PAGES)
def test_no_query_parameter_or_path_number_gives_a_500(app, client, targets, endpoint):  # noqa: F811
    target = targets[endpoint]
    sign_in_to_use(app, client, endpoint)
    for value in QUERY_VALUES:
        query = "&".join(f"{name}={value}" for name in QUERY_NAMES)
        separator = "&" if "?" in target.url else "?"
        assert_fine(client.get(f"{target.url}{separator}{query}"), f"GET {endpoint} ={value[:20]}")
    for url in _with_huge_ids(app, endpoint, target.url):
        assert_fine(client.get(url), f"GET {url}")


def _form_fields(html: str) -> dict[str, list[str]]:
    """Each field the page's forms send, with the values it offers."""
    soup = BeautifulSoup(html, "html.parser")
    fields: dict[str, list[str]] = {}
    for form in soup.select("main form[method=post], main form[method=POST]"):
        for element in form.select("input[name], select[name], textarea[name]"):
            name = str(element["name"])
            offered = fields.setdefault(name, [])
            if element.name == "select":
                offered += [str(o.get("value", "")) for o in element.select("option")]
            elif element.get("value") is not None:
                offered.append(str(element["value"]))
    return fields


def _bad_forms(fields: dict[str, list[str]]) -> list[tuple[str, dict[str, str]]]:
    names = list(fields) or ["title", "text", "name"]

    def each(value: str) -> dict[str, str]:
        return dict.fromkeys(names, value)

    dates = {}
    for name in names:
        if name.endswith("-day"):
            dates[name] = "31"
        elif name.endswith("-month"):
            dates[name] = "2"
        elif name.endswith("-year"):
            dates[name] = "2026"
        else:
            dates[name] = (fields.get(name) or [""])[0]
    tampered = {name: (offered[0] if offered else "") for name, offered in fields.items()}
    for name in names:
        if name in {"version", "expected_version"} or name.endswith("_id") or name == "id":
            tampered[name] = "abc"
    return [
        ("missing", {}),
        ("empty", each("")),
        ("over-long", each("x" * 20_000)),
        ("letters for numbers", each("abc")),
        ("beyond 64 bits", each(HUGE)),
        ("negative", each("-5")),
        ("dates that do not exist", dates),
        ("hidden fields tampered", tampered),
        ("unknown ids", each("999999999")),
        ("control characters", each("a\x00b\x1b")),
    ]


@pytest.mark.parametrize("endpoint", FORMS)
def test_no_form_input_gives_a_500(app, client, targets, endpoint):  # noqa: F811
    target = targets[endpoint]
    sign_in_to_use(app, client, endpoint)
    fields: dict[str, list[str]] = {}
    if "GET" in target.methods:
        page = client.get(target.url)
        if page.status_code == 200:
            fields = _form_fields(page.get_data(as_text=True))
    for what, data in _bad_forms(fields):
        db.session.commit()  # what the test made is in before the counter is read
        before = changes.current()
        response = client.post(target.url, data=data)
        assert_fine(response, f"POST {endpoint} ({what})")
        if response.status_code // 100 != 3:
            # Refused (the form again, or a 4xx): nothing stored has changed.
            assert changes.current() == before, f"POST {endpoint} ({what}) changed a record"


def test_nul_characters_never_reach_the_database(app, client):
    """PostgreSQL refuses them in text; nobody types one. Each becomes
    U+FFFD, so the value is still checked as the odd value it is."""
    with app.test_request_context("/?q=a%00b", method="POST", data={"title": "Fund\x00ing"}):
        assert request.args["q"] == "a\ufffdb"
        assert request.form["title"] == "Fund\ufffding"
