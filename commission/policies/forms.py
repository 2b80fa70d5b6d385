from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from commission.consultations.models import Consultation, LegislativeStage
from commission.forms import Form


class PolicyForm(Form):
    name = StringField(
        "Name",
        description="For example, English devolution",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter the policy's name"),
            Length(max=200, message="The name must be 200 characters or fewer"),
        ],
    )
    summary = TextAreaField(
        "Summary",
        description="What the policy is for, in a few sentences",
        widget=GovTextArea(),
        validators=[
            DataRequired(message="Enter a summary of the policy"),
            Length(max=5000, message="The summary must be 5,000 characters or fewer"),
        ],
    )
    bill_name = StringField(
        "Bill (optional)",
        description="The bill's name once there is one, for example English Devolution and "
        "Community Empowerment Bill",
        widget=GovTextInput(),
        validators=[Length(max=200, message="The bill's name must be 200 characters or fewer")],
    )
    bill_url = StringField(
        "Bill's page on parliament.uk (optional)",
        description="For example, https://bills.parliament.uk/bills/3737",
        widget=GovTextInput(),
        validators=[Length(max=500, message="The address must be 500 characters or fewer")],
    )
    submit = SubmitField("Save policy", widget=GovSubmitInput())


class LinkConsultationForm(Form):
    consultation = SelectField(
        "Consultation",
        description="Consultations that are not yet a stage of a policy",
        widget=GovSelect(),
        validate_choice=False,
    )
    submit = SubmitField("Add stage", widget=GovSubmitInput())

    def __init__(self, *args: Any, consultations: list[Consultation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offered = {str(c.id): c for c in consultations}
        self.consultation.choices = [SelectChoice("", "Choose a consultation")] + [
            SelectChoice(str(c.id), f"{c.reference}: {c.title} ({c.stage.label})")
            for c in consultations
        ]

    def validate_consultation(self, field: SelectField) -> None:
        if not field.data:
            raise ValidationError("Select the consultation to add")
        if field.data not in self.offered:
            raise ValidationError("Select a consultation that is not yet a stage of a policy")

    @property
    def chosen(self) -> Consultation:
        return self.offered[self.consultation.data or ""]


class ConsultationFilterForm(Form):
    """The consultations list's filters: a policy and a legislative stage."""

    class Meta:
        csrf = False  # a search: it changes nothing

    policy = SelectField("Policy", widget=GovSelect(), validate_choice=False)
    stage = SelectField(
        "Legislative stage",
        widget=GovSelect(),
        choices=[
            SelectChoice("", "Any stage"),
            *(SelectChoice(s.value, s.label) for s in LegislativeStage),
        ],
        validate_choice=False,
    )
    submit = SubmitField("Filter", widget=GovSubmitInput())

    def __init__(self, *args: Any, policies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.policy.choices = [
            SelectChoice("", "Any policy"),
            *(SelectChoice(slug, name) for slug, name in policies),
        ]
        self.known_policies = {slug for slug, _ in policies}

    def validate_policy(self, field: SelectField) -> None:
        if field.data and field.data not in self.known_policies:
            raise ValidationError("Select a policy from the list")

    def validate_stage(self, field: SelectField) -> None:
        if field.data and field.data not in {s.value for s in LegislativeStage}:
            raise ValidationError("Select a legislative stage from the list")

    def wanted(self) -> tuple[str, LegislativeStage | None]:
        """The policy's address and the stage asked for; a value that is not
        one of the options narrows nothing (its field says so)."""
        policy = self.policy.data or ""
        stage = self.stage.data or ""
        return (
            policy if policy in self.known_policies else "",
            LegislativeStage(stage) if stage in {s.value for s in LegislativeStage} else None,
        )

    def args(self) -> dict[str, str]:
        """The filters in force, for the pages' links."""
        policy, stage = self.wanted()
        result = {}
        if policy:
            result["policy"] = policy
        if stage is not None:
            result["stage"] = stage.value
        return result
