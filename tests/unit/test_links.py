"""Where people may be sent after signing in: only paths on this site."""

import pytest

from commission.links import safe_next


@pytest.mark.parametrize(
    "target",
    ["/", "/people", "/people?page=2&role=officer", "/people/3/roles/new", "/account#roles"],
)
def test_paths_on_this_site_are_kept(target):
    assert safe_next(target) == target


def test_surrounding_spaces_are_removed():
    assert safe_next("  /people  ") == "/people"


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "//evil.example",
        "///evil.example",
        " //evil.example",
        "http://evil.example",
        "https://evil.example/people",
        "HTTPS://evil.example",
        "\\\\evil.example",
        "/\\evil.example",
        "\\/evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "data:text/html,hello",
        "people",
        "evil.example/people",
        "mailto:someone@example.gov.uk",
    ],
)
def test_other_hosts_schemes_and_relative_paths_are_refused(target):
    assert safe_next(target) is None
