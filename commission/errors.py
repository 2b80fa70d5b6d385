"""The domain error that services raise and views turn into form errors."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the request. ``field`` names the form field to attach the
    message to, if any; otherwise it belongs at the top of the form."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
