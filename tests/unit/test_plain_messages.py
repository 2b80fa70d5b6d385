"""WTForms' built-in messages never reach people: each is replaced by one
that names the field, in the service's words."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import IntegerField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice

from commission.forms import Form, plain_message

GIVEN = "from the options given"


@pytest.mark.parametrize(
    ("label", "message", "expected"),
    [
        ("Who can see it", "Not a valid choice.", "Select who can see it from the options given"),
        (
            "Lead minister",
            "Invalid Choice: could not coerce.",
            "Select lead minister from the options given",
        ),
        (
            "Position",
            "'x' is not a valid choice for this field.",
            "Select position from the options given",
        ),
        (
            "3. How many places would your council need?",
            "Not a valid integer value.",
            "How many places would your council need must be a whole number",
        ),
        ("Title (optional)", "This field is required.", "Enter title"),
        ("Title", "Enter a title", "Enter a title"),
    ],
)
def test_plain_message(label, message, expected):
    assert plain_message(label, message) == expected


class Tampered(Form):
    class Meta:
        csrf = False

    visibility = RadioField("Who can see it", choices=[SelectChoice("public", "Everyone")])
    region = SelectField("Region", choices=[SelectChoice("north-west", "North West")])
    copies = IntegerField("Copies")


def test_a_tampered_form_is_answered_in_plain_words(app_ctx):
    from flask import current_app

    with current_app.test_request_context(method="POST"):
        form = Tampered(
            formdata=MultiDict({"visibility": "everyone'", "region": "atlantis", "copies": "ten"})
        )
        assert not form.validate()

    errors = {name: list(field.errors) for name, field in form._fields.items() if field.errors}
    assert errors == {
        "visibility": ["Select who can see it from the options given"],
        "region": ["Select region from the options given"],
        "copies": ["Copies must be a whole number"],
    }
    assert not any("Not a valid" in message for messages in errors.values() for message in messages)
