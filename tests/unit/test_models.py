"""Rules on the models that need no database: roles held on a date, sign-in ids."""

from datetime import date

from commission.auth.models import Appointment, TokenPurpose, User
from commission.auth.roles import AUTHORITY_ROLES, GOVERNMENT_ROLES, ROLE_LABELS, Role

ON = date(2027, 3, 15)


def appointment(role: Role, starts_on: date, ends_on: date | None = None) -> Appointment:
    return Appointment(role=role, starts_on=starts_on, ends_on=ends_on)


def test_appointment_is_current_from_its_first_to_its_last_day():
    item = appointment(Role.LEADER, date(2027, 3, 15), date(2027, 3, 20))
    assert not item.is_current(date(2027, 3, 14))
    assert item.is_current(date(2027, 3, 15))
    assert item.is_current(date(2027, 3, 20))
    assert not item.is_current(date(2027, 3, 21))


def test_open_ended_appointment_stays_current():
    assert appointment(Role.LEADER, date(2020, 1, 1)).is_current(date(2099, 1, 1))


def test_appointment_status_labels():
    assert appointment(Role.OFFICER, date(2027, 4, 1)).status(ON) == "Starts later"
    assert appointment(Role.OFFICER, date(2027, 1, 1), date(2027, 3, 14)).status(ON) == "Ended"
    assert appointment(Role.OFFICER, date(2027, 1, 1), ON).status(ON) == "Current"
    assert appointment(Role.OFFICER, date(2027, 1, 1)).status(ON) == "Current"


def test_roles_on_a_date_are_only_the_current_ones():
    person = User(
        email="a@example.gov.uk",
        full_name="A Person",
        appointments=[
            appointment(Role.OFFICER, date(2026, 1, 1), date(2027, 1, 1)),
            appointment(Role.LEADER, date(2027, 1, 2)),
            appointment(Role.SECRETARIAT, date(2027, 6, 1)),
        ],
    )
    assert person.roles_on(ON) == frozenset({Role.LEADER})
    assert [a.role for a in person.current_appointments(ON)] == [Role.LEADER]
    assert person.roles_on(date(2027, 6, 1)) == frozenset({Role.LEADER, Role.SECRETARIAT})


def test_session_id_carries_the_session_token():
    person = User(id=7, email="a@example.gov.uk", full_name="A", session_token="abc")
    assert person.get_id() == "7:abc"


def test_account_without_password_has_none_and_deactivated_is_not_active():
    person = User(email="a@example.gov.uk", full_name="A", password_hash=None, active=False)
    assert person.has_password is False
    assert person.is_active is False


def test_every_role_has_a_label_and_a_description():
    assert set(ROLE_LABELS) == set(Role)
    assert Role.LEADER.label == "Council leader"
    assert all(role.description for role in Role)


def test_role_groups():
    assert Role.OFFICER in AUTHORITY_ROLES
    assert Role.MINISTER in GOVERNMENT_ROLES
    assert Role.SECRETARIAT not in AUTHORITY_ROLES | GOVERNMENT_ROLES


def test_token_purpose_labels():
    assert TokenPurpose.INVITATION.label == "Invitation"
    assert TokenPurpose.PASSWORD_RESET.label == "Password reset"
