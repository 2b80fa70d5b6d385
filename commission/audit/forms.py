"""The audit log's filter, read from the address (a GET form)."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from commission.audit.queries import RECORD_TYPES, AuditFilter
from commission.forms import Form, GovDateField


class AuditFilterForm(Form):
    class Meta:
        csrf = False  # a search: it changes nothing

    action = SelectField("What happened", widget=GovSelect(), validate_choice=False)
    who = StringField(
        "Who (part of a name or email address)",
        widget=GovTextInput(),
        validators=[Length(max=100, message="Who must be 100 characters or fewer")],
    )
    record_type = SelectField(
        "Kind of record",
        widget=GovSelect(),
        choices=[("", "Any"), *RECORD_TYPES.items()],
        validate_choice=False,
    )
    record_id = StringField(
        "Record number",
        widget=GovTextInput(),
        validators=[Optional()],
        description="The number in the record's address, for example 42 in /people/42",
    )
    from_day = GovDateField("From")
    to_day = GovDateField("To")

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action.choices = [("", "Everything")] + [
            (value, value.replace("_", " ").capitalize()) for value in actions
        ]

    def validate_record_type(self, field: SelectField) -> None:
        if field.data and field.data not in RECORD_TYPES:
            raise ValidationError("Select the kind of record from the list")

    def validate_record_id(self, field: StringField) -> None:
        text = (field.data or "").strip()
        if text and (not text.isdigit() or len(text) > 18):
            raise ValidationError("Record number must be a whole number, like 42")
        if text and not self.record_type.data:
            raise ValidationError("Select the kind of record the number is for")

    def validate_to_day(self, field: GovDateField) -> None:
        if field.data and self.from_day.data and field.data < self.from_day.data:
            raise ValidationError("To must be the same as or after From")

    def wanted(self) -> AuditFilter:
        """The filter, from the fields that are valid (a wrong one narrows nothing)."""

        def good(name: str) -> bool:
            return not self[name].errors

        record_id = (self.record_id.data or "").strip()
        return AuditFilter(
            action=(self.action.data or "") if good("action") else "",
            who=(self.who.data or "").strip()[:100] if good("who") else "",
            record_type=(self.record_type.data or "") if good("record_type") else "",
            record_id=int(record_id) if record_id and good("record_id") else None,
            from_day=self.from_day.data if good("from_day") else None,
            to_day=self.to_day.data if good("to_day") and good("from_day") else None,
        )
