from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from commission.auth.models import DelegatedPower
from commission.consultations.positions import PositionFilters
from commission.forms import Form, GovDateField, email_field
from commission.membership.models import Control


def _reason(label: str, *, required: bool = False, hint: str = "") -> TextAreaField:
    validators = [Length(max=500, message=f"{label} must be 500 characters or fewer")]
    if required:
        validators.insert(0, DataRequired(message=f"Enter the {label.lower()}"))
    return TextAreaField(label, description=hint, widget=GovTextArea(), validators=validators)


class ControlForm(Form):
    control = RadioField(
        "Who controls the council",
        choices=[SelectChoice(c.value, c.label) for c in Control],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select who controls the council")],
    )
    party_name = StringField(
        "Name of the party, if another party",
        description="For example, Aspire",
        widget=GovTextInput(),
        validators=[Length(max=100, message="Party name must be 100 characters or fewer")],
    )
    effective_from = GovDateField(
        "Control from",
        description="The date control changed, for example the day after the election, 8 5 2027",
        required=True,
        required_message="Enter the date control changed",
    )
    note = _reason("Note (optional)", hint="For example, 'Labour gained 6 seats at the election'")
    submit = SubmitField("Record control", widget=GovSubmitInput())


class JoinForm(Form):
    joined_on = GovDateField(
        "Member from",
        description="For example, 1 4 2027",
        required=True,
        required_message="Enter the date membership starts",
    )
    reason = _reason("Reason (optional)")
    submit = SubmitField("Add membership", widget=GovSubmitInput())


class LeaveForm(Form):
    left_on = GovDateField(
        "Last day of membership",
        description="For example, 31 3 2027",
        required=True,
        required_message="Enter the last day of membership",
    )
    reason = _reason(
        "Reason", required=True, hint="For example, 'Abolished by local government reorganisation'"
    )
    submit = SubmitField("End membership", widget=GovSubmitInput())


class TeamInviteForm(Form):
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
    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select a role")],
    )
    starts_on = GovDateField(
        "Holds the role from", description="For example, 27 3 2027. Leave blank to start today"
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class DelegationForm(Form):
    powers = SelectMultipleField(
        "What is delegated",
        choices=[SelectChoice(p.value, p.label) for p in DelegatedPower],
        widget=GovCheckboxesInput(),
        validators=[DataRequired(message="Select what is delegated")],
    )
    starts_on = GovDateField(
        "From",
        description="For example, 1 12 2026",
        required=True,
        required_message="Enter the date the delegation starts",
    )
    ends_on = GovDateField("Until (optional)", description="The last day. Leave blank for no end")
    submit = SubmitField("Delegate", widget=GovSubmitInput())


class PositionFilterForm(Form):
    """The filters of an authority's record of positions, read from the
    address (a GET form): a value not offered says so and narrows nothing."""

    class Meta:
        csrf = False  # a search: it changes nothing

    department = SelectField("Department", widget=GovSelect(), validate_choice=False)
    year = SelectField("Year", widget=GovSelect(), validate_choice=False)

    def __init__(
        self, *args: Any, departments: list[tuple[str, str]], years: list[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.department.choices = [
            SelectChoice("", "Any department"),
            *(SelectChoice(value, label) for value, label in departments),
        ]
        self.year.choices = [
            SelectChoice("", "Any year"),
            *(SelectChoice(str(y), str(y)) for y in years),
        ]
        self.departments = {value for value, _ in departments}
        self.years = {str(y) for y in years}

    def validate_department(self, field: SelectField) -> None:
        if field.data and field.data not in self.departments:
            raise ValidationError("Select a department from the list")

    def validate_year(self, field: SelectField) -> None:
        if field.data and field.data not in self.years:
            raise ValidationError("Select a year from the list")

    def wanted(self) -> PositionFilters:
        """The filters, from the fields that are valid."""
        department = self.department.data or "" if not self.department.errors else ""
        year = self.year.data or "" if not self.year.errors else ""
        return PositionFilters(department=department, year=int(year) if year else None)
