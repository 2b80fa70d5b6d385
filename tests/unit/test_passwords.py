"""The rules a new password must meet, and hashing."""

import pytest

from commission.auth.passwords import (
    MAX_LENGTH,
    hash_password,
    needs_rehash,
    password_problems,
    verify_password,
)

TOO_COMMON = (
    "This password is too common. Choose a different password, for example three random words"
)
TOO_GUESSABLE = (
    "This password is too easy to guess. Choose a longer password, for example three random words"
)
PERSON = ["priya.natarajan@example.gov.uk", "priya.natarajan", "Priya", "Natarajan"]


def problems(password: str, user_inputs: list[str] | None = None) -> list[str]:
    return password_problems(password, min_length=12, user_inputs=user_inputs or PERSON)


def test_strong_password_is_accepted():
    assert problems("correct-horse-battery-staple-42") == []


def test_three_random_words_are_accepted():
    assert problems("lantern orbit vessel") == []


def test_eleven_characters_are_too_short():
    assert problems("k8#vQ2!zLm4") == ["Password must be 12 characters or more"]


def test_twelve_characters_can_be_enough():
    assert problems("k8#vQ2!zLm4x") == []


def test_minimum_length_comes_from_the_argument():
    assert password_problems("k8#vQ2!zLm4x", min_length=16, user_inputs=[]) == [
        "Password must be 16 characters or more"
    ]


def test_128_characters_are_allowed():
    password = "lantern orbit vessel " * 6 + "ab"
    assert len(password) == MAX_LENGTH
    assert problems(password) == []


@pytest.mark.parametrize("length", [72, 73, 100, 128])
def test_long_passphrases_are_judged_without_error(length):
    """zxcvbn itself refuses input over 72 characters; a long passphrase is the
    advice we give, so it must be accepted, not crash the page."""
    password = ("quiet harbour lantern orbit vessel " * 4)[:length]
    assert problems(password) == []


def test_long_password_of_one_repeated_character_is_still_refused():
    assert problems("a" * 100) == [TOO_GUESSABLE]


def test_more_than_128_characters_are_refused():
    assert problems("x" * (MAX_LENGTH + 1)) == ["Password must be 128 characters or fewer"]


@pytest.mark.parametrize(
    "password",
    ["password12345", "qwertyuiop123", "password1234!", "PASSWORD12345"],
)
def test_common_passwords_are_refused(password):
    assert problems(password) == [TOO_COMMON]


@pytest.mark.parametrize(
    "password",
    ["priya.natarajan1", "natarajanpriya", "priya.natarajan@example.gov.uk"],
)
def test_passwords_made_from_the_persons_name_or_email_are_refused(password):
    assert problems(password) == [TOO_GUESSABLE]


def test_a_run_of_digits_is_refused():
    assert problems("1234567890123") == [TOO_GUESSABLE]


def test_name_rules_depend_on_whose_password_it_is():
    assert problems("natarajanpriya", user_inputs=["Tom", "Ashworth"]) == []


def test_repeated_characters_are_refused():
    assert problems("aaaaaaaaaaaaaaaa") == [TOO_GUESSABLE]


def test_only_one_problem_is_reported_at_a_time():
    assert len(problems("password")) == 1


def test_hash_verifies_only_the_right_password():
    hashed = hash_password("correct-horse-battery-staple-42")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "correct-horse-battery-staple-42")
    assert not verify_password(hashed, "correct-horse-battery-staple-43")


def test_hash_is_salted():
    assert hash_password("same password here") != hash_password("same password here")


def test_no_hash_never_verifies():
    assert not verify_password(None, "not-a-real-password-used-for-timing")
    assert not verify_password(None, "")


def test_garbage_hash_does_not_verify_or_raise():
    assert not verify_password("not-a-hash", "anything at all")


def test_fresh_hash_does_not_need_rehash():
    assert not needs_rehash(hash_password("correct-horse-battery-staple-42"))
