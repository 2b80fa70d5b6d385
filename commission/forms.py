"""Form building blocks shared by every area."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import has_request_context, request
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSubmitInput, GovTextInput
from werkzeug.datastructures import ImmutableMultiDict
from wtforms import DateField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, InputRequired, Length

from commission.errors import DomainError

EMAIL_FORMAT_MESSAGE = "Enter an email address in the correct format, like name@example.gov.uk"


def email_field(label: str = "Email address", hint: str | None = None) -> StringField:
    return StringField(
        label,
        description=hint or "",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter an email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(message=EMAIL_FORMAT_MESSAGE, check_deliverability=False),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )


# WTForms' own messages, which are not written for the people using the
# service, and what to say instead (``{label}`` is the field's label, lower
# case). Only a tampered or hand-made request can meet most of them: the
# forms offer only valid choices and GOV.UK inputs for numbers and dates.
PLAIN_MESSAGES = {
    "Not a valid choice.": "Select {label} from the options given",
    "Not a valid choice": "Select {label} from the options given",
    "Invalid Choice: could not coerce.": "Select {label} from the options given",
    "'{value}' is not a valid choice for this field.": "Select {label} from the options given",
    "Not a valid integer value.": "{Label} must be a whole number",
    "Not a valid decimal value.": "{Label} must be a number",
    "Not a valid float value.": "{Label} must be a number",
    "Not a valid date value.": "{Label} must be a real date",
    "Not a valid datetime value.": "{Label} must be a real date and time",
    "Not a valid time value.": "{Label} must be a real time, like 10:30",
    "This field is required.": "Enter {label}",
}


def plain_message(label: str, message: str) -> str:
    """``message`` as the service words it, for the field labelled ``label``."""
    wording = PLAIN_MESSAGES.get(message)
    if wording is None and message.endswith("is not a valid choice for this field."):
        wording = PLAIN_MESSAGES["Not a valid choice."]
    if wording is None:
        return message
    text = re.sub(r"\s*\(optional\)\s*$", "", re.sub(r"^\d+\.\s*", "", label)).strip()
    text = text.rstrip("?:. ") or "an answer"
    return wording.format(label=text[:1].lower() + text[1:], Label=text[:1].upper() + text[1:])


class Form(FlaskForm):
    """The base of every form: after validation, any of WTForms' built-in
    messages (such as "Not a valid choice.") is replaced by one written for a
    person and naming the field.

    A submission with no fields at all (a hand-made request) is read as an
    empty form, so every field is checked as left blank. Flask-WTF would
    otherwise not read the request, and each field would keep its default as
    if it had been sent."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if (
            not args
            and "formdata" not in kwargs
            and has_request_context()
            and request.method in {"POST", "PUT", "PATCH", "DELETE"}
            and not request.form
            and not request.files
            and not request.is_json
        ):
            kwargs["formdata"] = ImmutableMultiDict()
        super().__init__(*args, **kwargs)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = bool(super().validate(extra_validators=extra_validators))
        for field in self:
            if field.errors and isinstance(field.errors, list | tuple):
                field.errors = [
                    plain_message(field.label.text, error) if isinstance(error, str) else error
                    for error in field.errors
                ]
        return valid


class ChoiceRequired(InputRequired):
    """``InputRequired`` for a select whose first option is a real choice, not
    an empty placeholder. HTML allows the ``required`` attribute only on a
    select that starts with an empty placeholder option, so this validator
    does not ask the widget for it; the error message works as before."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message)
        self.field_flags: dict[str, bool] = {}


class ConfirmForm(Form):
    """A form with only a button: for confirmation steps, so they carry CSRF."""

    submit = SubmitField("Continue", widget=GovSubmitInput())


def attach_error(form: FlaskForm, error: DomainError) -> None:
    """Show a service's refusal against the field it names, or the form as a whole."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*list(field.errors), error.message]
    else:
        form.form_errors.append(error.message)


class GovDateField(DateField):
    """A GOV.UK date input (day, month, year boxes) with the Design System's
    error messages. Blank in all three boxes is no date; ``required`` makes that
    an error."""

    def __init__(
        self, label: str, *, required: bool = False, required_message: str = "", **kwargs: Any
    ) -> None:
        kwargs.setdefault("widget", GovDateInput())
        super().__init__(label, format="%d %m %Y", **kwargs)
        self.required = required
        self.required_message = required_message or f"Enter {label.lower()}"

    def process_formdata(self, valuelist: list[str]) -> None:
        parts = [value.strip() for value in valuelist]
        self.data = None
        # The widget redisplays exactly three boxes (day, month, year), so a
        # request that left them out, or sent more, must not break the page.
        self.raw_data = [*parts, "", "", ""][:3]
        if not parts or not any(parts):
            if self.required:
                raise ValueError(self.required_message)
            return
        if len(parts) != 3:
            raise ValueError("Enter a real date")
        missing = [
            name for name, value in zip(("day", "month", "year"), parts, strict=True) if not value
        ]
        if missing:
            raise ValueError(f"{self.label.text} must include a {' and '.join(missing)}")
        if not all(value.isdigit() for value in parts) or len(parts[2]) != 4:
            raise ValueError(f"{self.label.text} must be a real date")
        try:
            self.data = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError as error:
            raise ValueError(f"{self.label.text} must be a real date") from error
        if not date(2000, 1, 1) <= self.data <= date(2100, 12, 31):
            self.data = None
            raise ValueError(f"{self.label.text} must be between the years 2000 and 2100")
