"""Secrets stay out of logs; a bad quorum setting stops the app at start-up."""

from __future__ import annotations

import pytest

from commission.config import ConfigurationError, check_quorum
from commission.logging import _redacted


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/set-password/abc.def-ghi", "/set-password/[redacted]"),
        ("/unsubscribe/eyJ1Ijo.sig", "/unsubscribe/[redacted]"),
        ("/calendar/secret-token.ics", "/calendar/[redacted]"),
        ("/meetings/2027-02-09", "/meetings/2027-02-09"),
    ],
)
def test_paths_carrying_secrets_are_redacted(path, logged):
    assert _redacted(path) == logged


@pytest.mark.parametrize("value", ["1/3", "1/2", "1", "0.25"])
def test_sensible_quorum_fractions_are_accepted(value):
    check_quorum(value)


@pytest.mark.parametrize("value", ["one third", "1/0", "0", "3/2", "-1/3"])
def test_bad_quorum_fractions_are_refused(value):
    with pytest.raises(ConfigurationError, match="QUORUM_FRACTION"):
        check_quorum(value)
