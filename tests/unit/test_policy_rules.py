"""The rules of a policy's journey that need no database: which addresses
are a bill's page on parliament.uk, which way a position moved, and how
moves are counted by control."""

from __future__ import annotations

import pytest

from commission.consultations.models import Position
from commission.policies.queries import AuthorityMove, count_moves, direction
from commission.policies.services import is_parliament_address, slug_for


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://bills.parliament.uk/bills/3737", True),
        ("https://parliament.uk/", True),
        ("https://www.parliament.uk/business/bills", True),
        ("http://bills.parliament.uk/bills/3737", False),
        ("https://bills.parliament.uk.example.com/", False),
        ("https://notparliament.uk/", False),
        ("https://user@bills.parliament.uk/", False),
        ("https://bills.parliament.uk:8443/", False),
        ("https://bills.parliament.uk:notaport/", False),
        ("javascript:alert(1)//parliament.uk", False),
        ("https://bills.parliament.uk/a b", False),
        ("bills.parliament.uk/bills/1", False),
    ],
)
def test_only_https_addresses_on_parliament_uk_are_a_bills_page(url, allowed):
    assert is_parliament_address(url) is allowed


@pytest.mark.parametrize(
    ("earlier", "later", "moved"),
    [
        (Position.OPPOSE, Position.NEUTRAL, "towards_support"),
        (Position.SUPPORT_WITH_AMENDMENTS, Position.SUPPORT, "towards_support"),
        (Position.SUPPORT, Position.SUPPORT_WITH_AMENDMENTS, "towards_oppose"),
        (Position.NO_POSITION, Position.OPPOSE, "towards_oppose"),
        (Position.NEUTRAL, Position.NO_POSITION, "unchanged"),
        (Position.OPPOSE, Position.OPPOSE, "unchanged"),
    ],
)
def test_which_way_a_position_moved(earlier, later, moved):
    assert direction(earlier, later) == moved


def test_moves_are_counted_by_control_then_for_everyone():
    def move(earlier: Position, later: Position, control: str) -> AuthorityMove:
        return AuthorityMove(None, earlier, later, control)  # type: ignore[arg-type]

    counts = count_moves(
        [
            move(Position.OPPOSE, Position.SUPPORT, "Labour"),
            move(Position.SUPPORT, Position.OPPOSE, "Conservative"),
            move(Position.NEUTRAL, Position.NEUTRAL, "Labour"),
        ]
    )

    assert [
        (c.group, c.towards_support, c.towards_oppose, c.unchanged, c.total) for c in counts
    ] == [
        ("Conservative", 0, 1, 0, 1),
        ("Labour", 1, 0, 1, 2),
        ("All authorities", 1, 1, 1, 3),
    ]


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("English devolution", "english-devolution"),
        ("Children's Wellbeing & Schools", "childrens-wellbeing-and-schools"),
        ("  ---  ", "policy"),
    ],
)
def test_a_policys_address_is_made_from_its_name(name, slug):
    assert slug_for(name) == slug
