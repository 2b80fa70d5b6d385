"""The GOV.UK date input: three boxes, and the Design System's error messages."""

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form

from commission.forms import GovDateField


class MeetingForm(Form):
    held_on = GovDateField("Date of the meeting")
    closes_on = GovDateField("Closing date", required=True)


def submit(day: str, month: str, year: str, *, closes=("1", "1", "2027")) -> MeetingForm:
    data = MultiDict(
        [("held_on", day), ("held_on", month), ("held_on", year)]
        + [("closes_on", value) for value in closes]
    )
    form = MeetingForm(formdata=data)
    form.validate()
    return form


def test_a_real_date_is_read_day_month_year():
    form = submit("3", "2", "2027")
    assert form.held_on.errors == []
    assert form.held_on.data == date(2027, 2, 3)


def test_leading_zeros_and_spaces_are_fine():
    form = submit(" 03 ", "02", " 2027")
    assert form.held_on.data == date(2027, 2, 3)


def test_all_blank_is_no_date_when_not_required():
    form = submit("", "", "")
    assert form.held_on.errors == []
    assert form.held_on.data is None


def test_all_blank_is_an_error_when_required():
    form = submit("1", "1", "2027", closes=("", "", ""))
    assert form.closes_on.errors == ["Enter closing date"]


def test_required_message_can_be_given():
    class F(Form):
        starts_on = GovDateField("Start", required=True, required_message="Enter the start date")

    form = F(formdata=MultiDict([("starts_on", ""), ("starts_on", ""), ("starts_on", "")]))
    form.validate()
    assert form.starts_on.errors == ["Enter the start date"]


def test_day_only_names_the_missing_month_and_year():
    form = submit("3", "", "")
    assert form.held_on.errors == ["Date of the meeting must include a month and year"]
    assert form.held_on.data is None


def test_missing_year_is_named():
    assert submit("3", "2", "").held_on.errors == ["Date of the meeting must include a year"]


def test_missing_day_is_named():
    assert submit("", "2", "2027").held_on.errors == ["Date of the meeting must include a day"]


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [("31", "2", "2027"), ("29", "2", "2027"), ("1", "13", "2027"), ("0", "1", "2027")],
)
def test_impossible_dates_are_not_real_dates(day, month, year):
    form = submit(day, month, year)
    assert form.held_on.errors == ["Date of the meeting must be a real date"]
    assert form.held_on.data is None


def test_leap_day_in_a_leap_year_is_real():
    assert submit("29", "2", "2028").held_on.data == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [("3", "Feb", "2027"), ("3", "2", "27"), ("3", "2", "20271"), ("-3", "2", "2027")],
)
def test_words_negative_numbers_and_short_years_are_not_real_dates(day, month, year):
    assert submit(day, month, year).held_on.errors == ["Date of the meeting must be a real date"]


@pytest.mark.parametrize("year", ["1999", "2101"])
def test_years_outside_the_range_are_refused(year):
    form = submit("1", "1", year)
    assert form.held_on.errors == ["Date of the meeting must be between the years 2000 and 2100"]
    assert form.held_on.data is None


def test_the_wrong_number_of_boxes_is_not_a_real_date():
    form = MeetingForm(formdata=MultiDict([("held_on", "3"), ("held_on", "2")]))
    form.validate()
    assert form.held_on.errors == ["Enter a real date"]


def test_what_was_typed_is_kept_as_three_boxes_to_show_again():
    form = submit("31", "2", "2027")
    assert form.held_on.raw_data == ["31", "2", "2027"]


def test_a_request_without_the_boxes_still_has_three_to_show():
    """The widget unpacks exactly three values; a missing field must not break it."""
    form = MeetingForm(formdata=MultiDict([("closes_on", v) for v in ("1", "1", "2027")]))
    form.validate()
    assert form.held_on.errors == []
    assert form.held_on.raw_data == ["", "", ""]
