"""``share`` gives exactly the float ``round(100 * part / whole, 1)`` gives,
for counts of councils, populations of England's size and beyond, and the
exact half-way points where ``round``'s own answer is kept."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from commission.summaries.shares import EXACT, share


def reference(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if part and whole else 0.0


@given(st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=400))
@example(1, 16)  # 6.25: a half-way point, ties to even (6.2)
@example(3, 16)  # 18.75: ties to even (18.8)
@example(3, 2000)  # 0.15, which the float holds as a little less
@example(0, 0)
@example(5, 0)
def test_a_count_of_councils(part: int, whole: int) -> None:
    assert share(part, whole) == reference(part, whole)
    assert isinstance(share(part, whole), float)


@given(
    st.integers(min_value=0, max_value=10**12),
    st.integers(min_value=1, max_value=10**12),
)
def test_populations(part: int, whole: int) -> None:
    assert share(part, whole) == reference(part, whole)


@given(st.integers(min_value=1, max_value=2001).filter(lambda m: m % 2), st.integers(1, 10**6))
def test_every_half_way_point(odd: int, scale: int) -> None:
    """Parts and wholes whose share is exactly half-way between two tenths
    (``1000 * part / whole`` is ``odd / 2``)."""
    part, whole = odd * scale, 2000 * scale
    assert share(part, whole) == reference(part, whole)


@given(st.integers(min_value=EXACT - 10, max_value=EXACT * 4), st.integers(1, 10**14))
def test_beyond_the_exact_bound(part: int, whole: int) -> None:
    assert share(part, whole) == reference(part, whole)


def test_negative_parts_are_left_to_round() -> None:
    assert share(-1, 16) == reference(-1, 16)
