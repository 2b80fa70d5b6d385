"""Who may use each endpoint: the one home of access rules.

Every view declares a rule with one of the decorators below. ``enforce`` runs
before every request and refuses an endpoint that has no rule (fail closed), so
a forgotten declaration is a 500 in development and a failing test, never an
open door. Templates ask ``can_access(endpoint)`` so a link or button is shown
only to people who would be let through.

- ``public``: anyone, signed in or not.
- ``anonymous_only``: pages for people not yet signed in (sign in, password
  reset); a signed-in person is sent home.
- ``signed_in``: any active account.
- ``roles(...)``: a signed-in person holding one of the roles today.
- ``policy(description)``: signed in, and the view checks an object-level rule
  from ``commission.policy`` once it has loaded the record (403 if refused).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from flask import current_app, g, redirect, request, url_for
from flask_login import current_user
from werkzeug.exceptions import Forbidden, InternalServerError, Unauthorized
from werkzeug.wrappers.response import Response

from commission import kept_forms
from commission.auth.roles import Role
from commission.timeutil import today

F = TypeVar("F", bound=Callable[..., Any])

RULE_ATTRIBUTE = "_access_rule"


class RuleKind(StrEnum):
    PUBLIC = "public"
    ANONYMOUS_ONLY = "anonymous only"
    SIGNED_IN = "signed in"
    ROLES = "roles"
    POLICY = "object policy"


@dataclass(frozen=True)
class Rule:
    kind: RuleKind
    roles: frozenset[Role] = field(default_factory=frozenset)
    description: str = ""

    def describe(self) -> str:
        if self.kind is RuleKind.ROLES:
            return "roles: " + ", ".join(sorted(r.value for r in self.roles))
        if self.kind is RuleKind.POLICY:
            return f"object policy: {self.description}"
        return self.kind.value


def _declare(rule: Rule) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        setattr(view, RULE_ATTRIBUTE, rule)
        return view

    return decorator


def public(view: F) -> F:
    return _declare(Rule(RuleKind.PUBLIC))(view)


def anonymous_only(view: F) -> F:
    return _declare(Rule(RuleKind.ANONYMOUS_ONLY))(view)


def signed_in(view: F) -> F:
    return _declare(Rule(RuleKind.SIGNED_IN))(view)


def roles(*allowed: Role) -> Callable[[F], F]:
    if not allowed:
        raise ValueError("roles() needs at least one role")
    return _declare(Rule(RuleKind.ROLES, roles=frozenset(allowed)))


def policy(description: str) -> Callable[[F], F]:
    return _declare(Rule(RuleKind.POLICY, description=description))


def rule_for_endpoint(endpoint: str | None) -> Rule | None:
    if endpoint is None:
        return None
    view = current_app.view_functions.get(endpoint)
    return getattr(view, RULE_ATTRIBUTE, None)


def current_roles() -> frozenset[Role]:
    """Roles the signed-in person holds today (Europe/London), once per request."""
    if not current_user.is_authenticated:
        return frozenset()
    cached = g.get("_current_roles")
    if cached is None:
        cached = current_user.roles_on(today())
        g._current_roles = cached
    return frozenset(cached)


def has_role(*wanted: Role) -> bool:
    return bool(current_roles() & set(wanted))


def allows(rule: Rule) -> bool:
    """Whether the current person passes the rule (object policies are checked
    later by the view, so here they need only a signed-in person)."""
    if rule.kind is RuleKind.PUBLIC:
        return True
    if rule.kind is RuleKind.ANONYMOUS_ONLY:
        return not current_user.is_authenticated
    if not current_user.is_authenticated:
        return False
    if rule.kind is RuleKind.ROLES:
        return bool(current_roles() & rule.roles)
    return True


def can_access(endpoint: str) -> bool:
    rule = rule_for_endpoint(endpoint)
    return rule is not None and allows(rule)


def enforce() -> Response | None:
    """``before_request`` hook: apply the endpoint's declared rule."""
    if request.endpoint is None:
        return None  # no route matched: Flask answers 404/405 itself
    rule = rule_for_endpoint(request.endpoint)
    if rule is None:
        current_app.logger.error("endpoint has no access rule: %s", request.endpoint)
        raise InternalServerError(f"No access rule declared for {request.endpoint}")
    if rule.kind is RuleKind.PUBLIC:
        return None
    if rule.kind is RuleKind.ANONYMOUS_ONLY:
        if current_user.is_authenticated:
            return redirect(url_for("dashboard.home"))
        return None
    if not current_user.is_authenticated:
        if kept_forms.worth_keeping():
            # A form sent after the session ended: the sign-in-again page
            # keeps what was typed (commission.kept_forms).
            raise Unauthorized()
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    if not allows(rule):
        raise Forbidden()
    return None


def require(allowed: bool) -> None:
    """For object policies: call with the policy's answer once the record is loaded."""
    if not allowed:
        raise Forbidden()


def declare_public(
    app_view_functions: dict[str, Callable[..., Any]], endpoints: Iterable[str]
) -> None:
    """Mark endpoints that Flask itself adds (``static``) as public."""
    for endpoint in endpoints:
        view = app_view_functions[endpoint]
        setattr(view, RULE_ATTRIBUTE, Rule(RuleKind.PUBLIC))
