from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from commission.attendance.models import InvitationStatus, ReplyKind
from commission.forms import Form


class ReplyForm(Form):
    kind = RadioField(
        "Will your authority attend?",
        choices=[SelectChoice(k.value, k.label) for k in ReplyKind],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select whether your authority will attend")],
    )
    substitute = SelectField(
        "Deputy attending as substitute",
        description="Only deputies delegated to attend on the day of the meeting can be chosen",
        widget=GovSelect(),
        validate_choice=False,
    )
    substitute_name = StringField(
        "Or the name of another substitute",
        description="For example, a cabinet member who is not a deputy in this service",
        widget=GovTextInput(),
        validators=[Length(max=200, message="The name must be 200 characters or fewer")],
    )
    submit = SubmitField("Send reply", widget=GovSubmitInput())


class InviteMinisterForm(Form):
    office = SelectField(
        "Who to invite",
        widget=GovSelect(),
        validate_choice=False,
        validators=[InputRequired(message="Select who to invite")],
    )
    item = SelectField(
        "For",
        description="A minister can be invited to the whole meeting or to one item",
        widget=GovSelect(),
        validate_choice=False,
    )
    submit = SubmitField("Invite", widget=GovSubmitInput())


class RespondForm(Form):
    status = RadioField(
        "Will you attend?",
        choices=[
            SelectChoice(InvitationStatus.CONFIRMED.value, "Yes, I will attend"),
            SelectChoice(InvitationStatus.STAND_IN.value, "Another minister will stand in"),
            SelectChoice(InvitationStatus.DECLINED.value, "No, I cannot attend"),
        ],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select whether you will attend")],
    )
    stand_in = SelectField(
        "Minister standing in",
        widget=GovSelect(),
        validate_choice=False,
    )
    submit = SubmitField("Send reply", widget=GovSubmitInput())


class RegisterForm(Form):
    """The register: a mark and a late box for each authority shown (drawn by
    the template, read by the view) and check boxes to mark many at once."""

    selected = SelectMultipleField("Authorities to mark", validate_choice=False)
    submit = SubmitField("Save the register", widget=GovSubmitInput())
