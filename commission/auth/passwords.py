"""Password hashing (Argon2id) and the rules a new password must meet."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MAX_LENGTH = 128
ZXCVBN_MAX_LENGTH = 72
_hasher = PasswordHasher()
# Verified against when no account matches, so a wrong email takes as long as a
# wrong password and response times do not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password-used-for-timing")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problems(password: str, *, min_length: int, user_inputs: list[str]) -> list[str]:
    """Why a new password is refused, as messages for the person; empty if fine.

    Length comes first (NCSC guidance: long beats complex); then the password
    must not be a known common password nor easily guessed from the person's own
    name or email (zxcvbn score below 3).
    """
    if len(password) < min_length:
        return [f"Password must be {min_length} characters or more"]
    if len(password) > MAX_LENGTH:
        return [f"Password must be {MAX_LENGTH} characters or fewer"]
    lowered = password.lower()
    if lowered in _common_passwords() or lowered.rstrip("0123456789!") in _common_passwords():
        return [
            "This password is too common. Choose a different password, "
            "for example three random words"
        ]
    # zxcvbn refuses (ValueError) anything longer than 72 characters, to bound
    # its running time; judging the first 72 is ample for a long passphrase.
    result = zxcvbn(
        password[:ZXCVBN_MAX_LENGTH], user_inputs=[value for value in user_inputs if value]
    )
    if result["score"] < 3:
        return [
            "This password is too easy to guess. Choose a longer password, "
            "for example three random words"
        ]
    return []
