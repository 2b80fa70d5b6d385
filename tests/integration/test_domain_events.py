"""The domain events: each is documented, each has a listener once the app is
made, and making a second app does not make anyone hear an event twice."""

from __future__ import annotations

from pathlib import Path

from blinker import NamedSignal

from commission import create_app, signals

DOCS = Path(__file__).resolve().parents[2] / "docs" / "events.md"


def declared() -> dict[str, NamedSignal]:
    return {name: value for name, value in vars(signals).items() if isinstance(value, NamedSignal)}


def test_every_event_is_in_the_docs_with_its_payload():
    text = DOCS.read_text(encoding="utf-8")
    assert declared()
    for name in declared():
        assert f"| `{name}` |" in text, f"{name} is not listed in docs/events.md"


def test_every_event_has_a_listener_once_the_app_is_made(app):
    for name, signal in declared().items():
        assert signal.receivers, f"nothing listens to {name}"


def test_a_second_app_does_not_double_the_listeners(app):
    before = {name: len(signal.receivers) for name, signal in declared().items()}
    create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True})
    assert {name: len(signal.receivers) for name, signal in declared().items()} == before
