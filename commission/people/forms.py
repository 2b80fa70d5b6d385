from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from commission.auth.roles import Role
from commission.forms import Form, GovDateField, email_field

ROLE_CHOICES = [SelectChoice(role.value, role.label) for role in Role]


def _role_field(label: str) -> RadioField:
    return RadioField(
        label,
        choices=ROLE_CHOICES,
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select a role")],
    )


def _optional_id(value: object) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(str(value))
    except ValueError:
        return -1  # not a real record; the view reports it


def _authority_field() -> SelectField:
    return SelectField(
        "Authority",
        description="For a leader, mayor, deputy or officer",
        coerce=_optional_id,
        validate_choice=False,
        widget=GovSelect(),
    )


def _office_field() -> SelectField:
    return SelectField(
        "Ministerial office",
        description="For a minister",
        coerce=_optional_id,
        validate_choice=False,
        widget=GovSelect(),
    )


class InvitePersonForm(Form):
    full_name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter the person's full name"),
            Length(max=200, message="Full name must be 200 characters or fewer"),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
    email = email_field(hint="We will send the invitation to this address")
    role = _role_field("Role")
    authority = _authority_field()
    office = _office_field()
    starts_on = GovDateField(
        "Holds the role from",
        description="For example, 27 3 2027. Leave blank to start today",
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class AppointmentForm(Form):
    role = _role_field("Role to give")
    authority = _authority_field()
    office = _office_field()
    starts_on = GovDateField(
        "Holds the role from",
        description="For example, 27 3 2027. Leave blank to start today",
    )
    submit = SubmitField("Give role", widget=GovSubmitInput())


class EndAppointmentForm(Form):
    ends_on = GovDateField(
        "Last day in the role",
        description="For example, 27 3 2027. Leave blank to end it today",
    )
    reason = TextAreaField(
        "Reason (optional)",
        description="For example, 'Stood down after the May elections'",
        widget=GovTextArea(),
        validators=[Length(max=500, message="Reason must be 500 characters or fewer")],
    )
    submit = SubmitField("End role", widget=GovSubmitInput())
