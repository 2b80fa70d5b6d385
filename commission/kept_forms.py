"""What someone typed is never lost to a time limit.

A session ends after ``SESSION_LIFETIME_SECONDS`` without a request, and a
form's security token after ``WTF_CSRF_TIME_LIMIT`` from when its page was
shown: an officer drafting a long response over a day would otherwise lose
it on saving. With JavaScript the timeout warning lets the person stay
signed in first (``static/js/timeout-warning.mjs``). Without it, or if they
were away, a form sent too late is not thrown away:

- signed out: the person is asked to sign in again on a page that carries
  what they sent in hidden fields (``kept.<name>``); once signed in, they
  see it again on a page that sends it to where it was going, with a fresh
  token, when they choose to (``auth/send_again.html``);
- still signed in but the page's token has run out: that page straight away.

Nothing is stored on the server: what was typed goes back to the browser
that sent it. It is never acted on without a new security token and the
person's own click, so a form made on another site gains nothing: and only a
form sent from this site (its Origin or Referer) is kept at all. Passwords
are never kept, nor anything sent to the sign-in pages themselves, and files
cannot be (the page says to choose them again).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request

from commission.links import safe_next

# Form fields that are not what the person typed, or must never travel again.
LEFT_OUT = {"csrf_token"}
PREFIX = "kept."
ACTION = "kept_action"


def _ours(address: str | None) -> bool:
    if not address:
        return False
    parts = urlsplit(address)
    here = urlsplit(request.host_url)
    return (parts.scheme, parts.netloc) == (here.scheme, here.netloc)


def sent_from_this_site() -> bool:
    """Whether the browser says the form was sent from one of this site's pages."""
    origin = request.headers.get("Origin")
    if origin is not None and origin != "null":
        return _ours(origin)
    return _ours(request.headers.get("Referer"))


def typed_fields() -> list[tuple[str, str]]:
    """The posted fields worth keeping, in the order sent."""
    return [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name not in LEFT_OUT and "password" not in name.lower()
    ]


def worth_keeping() -> bool:
    """A form from this site, with something typed in it, sent somewhere other
    than the sign-in pages."""
    endpoint = request.endpoint or ""
    return (
        request.method == "POST"
        and not endpoint.startswith("auth.")
        and any(value.strip() for _, value in typed_fields())
        and sent_from_this_site()
    )


def kept_from_sign_in() -> tuple[str, list[tuple[str, str]]] | None:
    """What the sign-in-again page carried: where the form was going and its
    fields, or None when it carried nothing (an ordinary sign in)."""
    action = safe_next(request.form.get(ACTION))
    if action is None:
        return None
    fields = [
        (name.removeprefix(PREFIX), value)
        for name, value in request.form.items(multi=True)
        if name.startswith(PREFIX) and "password" not in name.lower()
    ]
    return action, fields


def had_files() -> bool:
    return any(file.filename for file in request.files.values())
