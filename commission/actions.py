"""Running a form action, and the one place a request's transaction is ended.

Every change a person makes through a page has one shape: call the service;
if it refuses (``DomainError``), roll back and show the refusal on the form
field it names; otherwise commit, show the success banner and redirect.
``run_action`` is that shape (``run_button_action`` the same for a button
with no form, whose refusal is a warning banner), so views neither commit
nor roll back. A request that raises is rolled back when it
is torn down (``init_app``), so nothing half-made is ever committed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask import Flask, after_this_request, flash, redirect
from flask import Response as FlaskResponse
from flask_wtf import FlaskForm
from werkzeug.wrappers.response import Response

from commission.errors import DomainError
from commission.extensions import db
from commission.forms import attach_error

T = TypeVar("T")


def run_action(
    action: Callable[[], T],
    *,
    form: FlaskForm,
    success: str | Callable[[T], str] | None = None,
    then: str | Callable[[T], str | Response],
    handle: Mapping[type[Exception], Callable[[Any], Response]] | None = None,
) -> Response | None:
    """Call ``action`` (the service call) and end the request's transaction.

    - ``handle``: exceptions (other than ``DomainError``) with their own answer,
      such as a conflict page (a Response: use ``make_response`` for a status);
      the work is rolled back first.
    - A ``DomainError`` rolls the work back and goes on the form field it
      names; None is returned, so the view shows the form again.
    - Otherwise the work is committed, ``success`` is flashed, and ``then``
      answers: an address to redirect to, or a function of the action's
      result giving an address or a response. Give functions where the words
      or the address read a record: they run after the commit, as a view's
      own lines after ``commit()`` would.
    """
    try:
        result = action()
    except DomainError as error:
        roll_back()
        attach_error(form, error)
        return None
    except Exception as error:
        for kind, handler in (handle or {}).items():
            if isinstance(error, kind):
                roll_back()
                return handler(error)
        raise
    commit()
    if success is not None:
        flash(success if isinstance(success, str) else success(result), "success")
    if isinstance(then, str):
        return redirect(then)
    answer = then(result)
    return redirect(answer) if isinstance(answer, str) else answer


def run_button_action(
    action: Callable[[], object],
    *,
    then: Callable[[], str],
    success: str | Callable[[], str] | None = None,
) -> Response:
    """A one-click action with no form to show errors on (move up, move
    down): a refusal is flashed as a warning; either way the person goes to
    the address ``then`` gives once the work is saved or thrown away."""
    try:
        action()
    except DomainError as error:
        roll_back()
        flash(error.message, "warning")
        return redirect(then())
    commit()
    if success is not None:
        flash(success if isinstance(success, str) else success(), "success")
    return redirect(then())


def commit() -> None:
    """Save the request's work (for the few requests that are not a form
    action: signing in, a confirmed download of a new file, ...)."""
    db.session.commit()


def commit_once_answered() -> None:
    """Save the request's work once its answer is made: for a part of a page
    kept while the page is made (a GET), where committing at once would
    expire the records the page has read and still has to show, and read
    each of them again."""

    def save(response: FlaskResponse) -> FlaskResponse:
        db.session.commit()
        return response

    after_this_request(save)


def roll_back() -> None:
    """Throw away the request's work so far."""
    db.session.rollback()


def init_app(app: Flask) -> None:
    @app.teardown_request
    def roll_back_after_an_error(error: BaseException | None) -> None:
        """A request that failed keeps nothing it made."""
        if error is not None:
            db.session.rollback()
