"""Settings from the environment, and production's refusal to run on defaults."""

import secrets

import pytest

from commission import create_app
from commission.config import (
    DEVELOPMENT_SECRET_KEY,
    ConfigurationError,
    build_config,
    guessable,
    normalise_database_url,
)

REAL_SECRET = "9f2c4e81b7d05a3f6e1c8b29d4a07f53e6b1c9d2"  # 40 random hex digits
ENV_VARS = [
    "COMMISSION_ENV",
    "SECRET_KEY",
    "DATABASE_URL",
    "MAIL_BACKEND",
    "PAGE_SIZE",
    "SERVER_NAME",
    "PUBLIC_BASE_URL",
    "PROXY_FIX_X_FOR",
    "MAIL_USE_TLS",
]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("COMMISSION_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", REAL_SECRET)
    monkeypatch.setenv("DATABASE_URL", "postgres://app:pw@db.internal:5432/commission")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://commission.example.gov.uk")


def test_development_defaults_to_sqlite_in_the_instance_folder(tmp_path):
    config = build_config(str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/commission.sqlite3"
    assert config["ENV_NAME"] == "development"
    assert config["SECRET_KEY"] == DEVELOPMENT_SECRET_KEY
    assert config["MAIL_BACKEND"] == "log"


def test_development_cookies_are_not_secure_only(tmp_path):
    config = build_config(str(tmp_path))
    assert config["SESSION_COOKIE_SECURE"] is False
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["HSTS"] is False


def test_production_needs_a_secret_key(tmp_path, production, monkeypatch):
    monkeypatch.delenv("SECRET_KEY")
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        build_config(str(tmp_path))


def test_production_refuses_the_development_secret_key(tmp_path, production, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        build_config(str(tmp_path))


def test_production_refuses_a_short_secret_key(tmp_path, production, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "k" * 31)
    with pytest.raises(ConfigurationError, match="at least 32 characters"):
        build_config(str(tmp_path))


@pytest.mark.parametrize(
    "secret",
    ["a" * 40, "ab" * 32, "password" * 5, "0123456789" * 4],
)
def test_production_refuses_a_guessable_secret_key(tmp_path, production, monkeypatch, secret):
    monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigurationError, match="random value"):
        build_config(str(tmp_path))


@pytest.mark.parametrize("make", [lambda: secrets.token_hex(16), lambda: secrets.token_urlsafe(32)])
def test_production_accepts_a_random_secret_key(tmp_path, production, monkeypatch, make):
    for _ in range(20):
        key = make()
        monkeypatch.setenv("SECRET_KEY", key)
        assert build_config(str(tmp_path))["SECRET_KEY"] == key


def test_no_random_key_is_taken_for_a_guessable_one():
    """A key whose characters happen to repeat is still random: the line sits
    far below what random keys are estimated at (it refused about one random
    hex key in a thousand when it was drawn at 100 bits)."""
    assert not any(guessable(secrets.token_hex(16)) for _ in range(20_000))
    assert not any(guessable(secrets.token_urlsafe(32)) for _ in range(2_000))


@pytest.mark.parametrize("value", ["prod", "live", "staging", "developement", "production!"])
def test_an_unknown_environment_refuses_to_start(tmp_path, production, monkeypatch, value):
    monkeypatch.setenv("COMMISSION_ENV", value)
    with pytest.raises(
        ConfigurationError, match="COMMISSION_ENV must be development or production"
    ):
        build_config(str(tmp_path))


@pytest.mark.parametrize("value", ["", "  ", "Development", " development "])
def test_an_empty_or_differently_written_environment_is_development(tmp_path, monkeypatch, value):
    monkeypatch.setenv("COMMISSION_ENV", value)
    assert build_config(str(tmp_path))["ENV_NAME"] == "development"


def test_production_refuses_a_short_secret_key_given_as_an_override(tmp_path, production):
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        build_config(str(tmp_path), {"SECRET_KEY": "short"})


def test_production_needs_a_database_url(tmp_path, production, monkeypatch):
    monkeypatch.delenv("DATABASE_URL")
    with pytest.raises(ConfigurationError, match="DATABASE_URL"):
        build_config(str(tmp_path))


def test_production_needs_a_non_empty_database_url(tmp_path, production, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "")
    with pytest.raises(ConfigurationError, match="DATABASE_URL"):
        build_config(str(tmp_path))


def test_production_needs_the_public_address_for_links_in_emails(tmp_path, production, monkeypatch):
    monkeypatch.delenv("PUBLIC_BASE_URL")
    with pytest.raises(ConfigurationError, match="PUBLIC_BASE_URL"):
        build_config(str(tmp_path))


def test_production_public_address_must_be_https(tmp_path, production, monkeypatch):
    monkeypatch.setenv("PUBLIC_BASE_URL", "http://commission.example.gov.uk")
    with pytest.raises(ConfigurationError, match="PUBLIC_BASE_URL"):
        build_config(str(tmp_path))


def test_create_app_refuses_to_start_in_production_without_a_secret_key(production, monkeypatch):
    monkeypatch.delenv("SECRET_KEY")
    with pytest.raises(ConfigurationError):
        create_app()


def test_create_app_refuses_to_start_in_production_without_a_database(production, monkeypatch):
    monkeypatch.delenv("DATABASE_URL")
    with pytest.raises(ConfigurationError):
        create_app()


def test_production_with_real_settings_starts(tmp_path, production):
    config = build_config(str(tmp_path))
    assert config["ENV_NAME"] == "production"
    assert config["SECRET_KEY"] == REAL_SECRET


def test_production_normalises_the_platforms_postgres_url(tmp_path, production):
    config = build_config(str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://app:pw@db.internal:5432/commission"
    )


def test_production_session_cookie_is_secure_http_only_and_same_site(tmp_path, production):
    config = build_config(str(tmp_path))
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["REMEMBER_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_HTTPONLY"] is True


def test_production_uses_https_hsts_smtp_and_trusts_one_proxy(tmp_path, production):
    config = build_config(str(tmp_path))
    assert config["PREFERRED_URL_SCHEME"] == "https"
    assert config["HSTS"] is True
    assert config["MAIL_BACKEND"] == "smtp"
    assert config["PROXY_FIX_X_FOR"] == 1


def test_environment_name_is_case_and_space_insensitive(tmp_path, production, monkeypatch):
    monkeypatch.setenv("COMMISSION_ENV", " Production ")
    monkeypatch.delenv("SECRET_KEY")
    with pytest.raises(ConfigurationError):
        build_config(str(tmp_path))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
        ("postgresql://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///tmp/x.sqlite3", "sqlite:///tmp/x.sqlite3"),
    ],
)
def test_database_urls_are_normalised_to_psycopg_3(url, expected):
    assert normalise_database_url(url) == expected


def test_database_url_from_the_environment_is_normalised(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    assert build_config(str(tmp_path))["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_whole_number_settings_are_read_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PAGE_SIZE", "50")
    assert build_config(str(tmp_path))["PAGE_SIZE"] == 50


def test_a_setting_that_is_not_a_whole_number_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("PAGE_SIZE", "lots")
    with pytest.raises(ConfigurationError, match="PAGE_SIZE must be a whole number"):
        build_config(str(tmp_path))


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("yes", True), ("0", False)])
def test_yes_no_settings(tmp_path, monkeypatch, raw, expected):
    monkeypatch.setenv("MAIL_USE_TLS", raw)
    assert build_config(str(tmp_path))["MAIL_USE_TLS"] is expected


def test_public_base_url_loses_its_trailing_slash(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://commission.example.gov.uk/")
    assert build_config(str(tmp_path))["PUBLIC_BASE_URL"] == "https://commission.example.gov.uk"


def test_overrides_win_over_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("MAIL_BACKEND", "smtp")
    assert build_config(str(tmp_path), {"MAIL_BACKEND": "memory"})["MAIL_BACKEND"] == "memory"
