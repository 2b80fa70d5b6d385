"""Functions that make test data. Each makes one thing, with defaults a test
can override, and flushes so the row has an id."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from commission.auth.models import Appointment, User
from commission.auth.passwords import hash_password
from commission.auth.roles import Role
from commission.extensions import db
from commission.timeutil import today

PASSWORD = "correct-horse-battery-staple-42"
_counter = itertools.count(1)
_hash_cache: dict[str, str] = {}


def _hash(password: str) -> str:
    if password not in _hash_cache:
        _hash_cache[password] = hash_password(password)
    return _hash_cache[password]


def user(
    *,
    role: Role | None = None,
    email: str | None = None,
    full_name: str | None = None,
    password: str | None = PASSWORD,
    active: bool = True,
    starts_on: date | None = None,
) -> User:
    n = next(_counter)
    person = User(
        email=(email or f"person{n}@example.gov.uk").lower(),
        full_name=full_name or f"Test Person {n}",
        password_hash=_hash(password) if password else None,
        active=active,
    )
    db.session.add(person)
    db.session.flush()
    if role is not None:
        appointment(user=person, role=role, starts_on=starts_on)
    return person


def appointment(
    *,
    user: User,
    role: Role,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Appointment:
    item = Appointment(
        user=user,
        role=role,
        starts_on=starts_on or today() - timedelta(days=30),
        ends_on=ends_on,
    )
    db.session.add(item)
    db.session.flush()
    return item
