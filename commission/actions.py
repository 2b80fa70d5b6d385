"""Running a form action, and the one place a request's transaction is ended.

Every change a person makes through a page has one shape: call the service;
if it refuses (``DomainError``), roll back and show the refusal on the form
field it names; otherwise commit, show the success banner and redirect.
``run_action`` is that shape (``run_button_action`` the same for a button
with no form, whose refusal is a warning banner), so views neither commit
nor roll back.

A request that is not a form action but whose work must outlive it (a
sign-in attempt, counted by the throttle; an unsubscribe; a token's last
use; a part of a page kept for the next visitor) marks it with
``keep_work()``, and one hook (``init_app``) saves it once the answer is
made and before it is sent: committing mid-page would expire every record
the page has read and still has to show, and a commit that fails still
turns the answer into an error page, so a page never says something was
saved that was not. An answer that is an error (500 and above) keeps
nothing, and a request that raises is rolled back when it is torn down.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask import Flask, flash, g, redirect
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
    """Save the work of the form action that just succeeded."""
    db.session.commit()


def keep_work() -> None:
    """Keep this request's work: it is saved once the answer is made (a
    successful answer, a redirect or a refusal below 500 alike), by the one
    hook ``init_app`` sets. For the few requests that are not a form action
    but change something that must last (a sign-in attempt, an unsubscribe,
    a token's last use, a kept part of a page)."""
    g._keep_work = True


def roll_back() -> None:
    """Throw away the request's work so far."""
    db.session.rollback()


def init_app(app: Flask) -> None:
    @app.after_request
    def end_transaction(response: FlaskResponse) -> FlaskResponse:
        """Save the work a request marked to keep, once its answer is made;
        an error answer keeps nothing."""
        if response.status_code >= 500:
            db.session.rollback()
        elif g.pop("_keep_work", False):
            db.session.commit()
        return response

    @app.teardown_request
    def roll_back_after_an_error(error: BaseException | None) -> None:
        """A request that failed keeps nothing it made."""
        if error is not None:
            db.session.rollback()
