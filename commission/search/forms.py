"""The search form: a GET form, read from the address."""

from __future__ import annotations

import functools
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSelect
from markupsafe import Markup, escape
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from commission.forms import Form, GovDateField
from commission.search.models import Kind
from commission.search.queries import Filters


class FilterSelectField(SelectField):  # type: ignore[misc]
    """A select of many options (the 331 authorities) whose options the page
    writes in one go: a template loop over them costs as much as the search."""

    options: Options

    def offer(self, options: Options) -> None:
        """Offer ``options`` (made once for each list read: ``options_of``)."""
        self.options = options
        self.choices = list(options.choices)

    def options_html(self) -> Markup:
        return self.options.html(self.data)


class Options:
    """A select's choices, made once for each list of options: the
    departments and authorities are read at each search, but they change
    rarely, and comparing the list read with the last one costs far less
    than making (and escaping) 330 choices again."""

    def __init__(self, choices: tuple[SelectChoice, ...]) -> None:
        self.choices = choices
        self.keys = frozenset(choice.value for choice in choices if choice.value)
        self._values = _escaped([choice.value for choice in choices])
        self._labels = _escaped([choice.label for choice in choices])
        self._unchosen: Markup | None = None

    def html(self, chosen: Any) -> Markup:
        # Kept when nothing is chosen, as on most searches: a page for each
        # of 330 choices would be kept for as long as the list.
        unchosen = chosen in (None, "")
        if unchosen and self._unchosen is not None:
            return self._unchosen
        made = Markup(  # noqa: S704 (every value and label escaped)
            "".join(
                f'<option value="{value}"{" selected" if choice.value == chosen else ""}>'
                f"{label}</option>"
                for choice, value, label in zip(
                    self.choices, self._values, self._labels, strict=True
                )
            )
        )
        if unchosen:
            self._unchosen = made
        return made


@functools.lru_cache(maxsize=8)
def options_of(anything: str, rows: tuple[tuple[int, str], ...]) -> Options:
    """The options of a filter: "``anything``" first, then ``rows`` (id
    and name), made once for each list read."""
    return Options(
        (SelectChoice("", anything), *(SelectChoice(str(key), name) for key, name in rows))
    )


_APART = "\n"

# How the results may be ordered ("order" in the address; the first is the
# default, never written in the address).
ORDERS = (SelectChoice("", "Most relevant"), SelectChoice("newest", "Newest first"))


def _escaped(texts: list[str]) -> list[str]:
    """Each text HTML-escaped, in one call of ``escape`` for them all (one a
    text took as long as the rest of the options' writing), unless one of
    them holds the separator."""
    if not texts or any(_APART in text for text in texts):
        return [str(escape(text)) for text in texts]
    return str(escape(_APART.join(texts))).split(_APART)


class SearchForm(Form):
    """What to search for and the filters. A filter that is not valid says
    so on its field and narrows nothing; the search still runs."""

    class Meta:
        csrf = False  # a search: it changes nothing

    q = StringField("Search")
    kind = SelectMultipleField(
        "Show only", widget=GovCheckboxesInput(), choices=[], validate_choice=False
    )
    since = GovDateField("From")
    until = GovDateField("To")
    department = FilterSelectField("Department", widget=GovSelect(), validate_choice=False)
    authority = FilterSelectField("Authority", widget=GovSelect(), validate_choice=False)
    order = SelectField("Sort by", choices=ORDERS, validate_choice=False)

    def __init__(
        self,
        *args: Any,
        departments: list[tuple[int, str]],
        authorities: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice(k.value, k.plural) for k in Kind]
        self.department.offer(options_of("Any department", tuple(departments)))
        self.authority.offer(options_of("Any authority", tuple(authorities)))

    def validate_kind(self, field: SelectMultipleField) -> None:
        known = {k.value for k in Kind}
        if any(value not in known for value in field.data or []):
            raise ValidationError("Select kinds of result from the list")

    def validate_department(self, field: SelectField) -> None:
        if field.data and field.data not in self.department.options.keys:
            raise ValidationError("Select a department from the list")

    def validate_authority(self, field: SelectField) -> None:
        if field.data and field.data not in self.authority.options.keys:
            raise ValidationError("Select an authority from the list")

    def validate_order(self, field: SelectField) -> None:
        if field.data and field.data not in {choice.value for choice in ORDERS}:
            raise ValidationError("Select how to sort the results from the list")

    def validate_until(self, field: GovDateField) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(
                "The date to search to must be the same as or after the date to search from"
            )

    @property
    def text(self) -> str:
        return (self.q.data or "").strip()

    @property
    def newest(self) -> bool:
        """Whether the newest come first (an order not offered is ignored)."""
        return self.order.data == "newest" and not self.order.errors

    def filters(self) -> Filters:
        """The filters, from the fields that are valid."""
        kinds = (
            tuple(Kind(v) for v in dict.fromkeys(self.kind.data or []))
            if not self.kind.errors
            else ()
        )
        return Filters(
            kinds=kinds,
            since=self.since.data if not self.since.errors else None,
            until=self.until.data if not (self.until.errors or self.since.errors) else None,
            department_id=int(self.department.data)
            if self.department.data and not self.department.errors
            else None,
            authority_id=int(self.authority.data)
            if self.authority.data and not self.authority.errors
            else None,
        )

    def args(self) -> dict[str, Any]:
        """The address's arguments for another page of the same search."""
        found: dict[str, Any] = {}
        for name in ("q", "department", "authority"):
            value = getattr(self, name).data
            if value:
                found[name] = value
        if self.newest:
            found["order"] = "newest"
        if self.kind.data:
            found["kind"] = list(self.kind.data)
        for name in ("since", "until"):
            raw = getattr(self, name).raw_data or []
            if any(raw):
                found[name] = raw
        return found
