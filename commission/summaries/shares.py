"""A share as the summaries give it: ``round(100 * part / whole, 1)``.

A whole summary gives two shares on each row of 754 position tables, and
Python's ``round`` to one decimal place is its slowest step: it converts
the float to decimal digits and back. ``share`` gives exactly the same
float, worked out from the two whole numbers.

Why it is the same: ``round(x, 1)`` takes the exact binary value of ``x``
(here the float nearest to ``100 * part / whole``), rounds ten times it to
the nearest whole number, ties to even, and returns the float nearest to
that number of tenths. Ten times ``x`` is within
``1000 * part / whole * 2**-53`` of ``1000 * part / whole``. Unless that
fraction is exactly half-way between two whole numbers, it lies at least
``1 / (2 * whole)`` from any half-way point, which is further than the
float's error while ``2000 * part < 2**53``: so the nearest whole number
to the exact fraction, which integer division gives, is the one ``round``
finds. Exact half-way points (one part in sixteen is 6.25%) are left to
``round`` itself, as is anything outside those bounds. The property test
checks it against ``round`` (``tests/property/test_shares_property.py``).
"""

from __future__ import annotations

# Below this, a part's fraction is worked out exactly (see above).
EXACT = 1 << 42


def share(part: int, whole: int) -> float:
    """``part`` as a percentage of ``whole`` to one decimal place, as
    ``round(100 * part / whole, 1)`` gives it; 0.0 for no part or no whole."""
    if not part or not whole:
        return 0.0
    if 0 < part < EXACT and whole > 0:
        tenths, rest = divmod(2000 * part + whole, 2 * whole)
        if rest:
            return tenths / 10
    return round(100 * part / whole, 1)
