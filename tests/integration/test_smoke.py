from commission.auth.roles import Role
from tests.pages import expect, heading, ok


def test_home_page_shows_service_name(client):
    shown = ok(client.get("/"))
    assert heading(shown) == "Local Government Commission"


def test_secretariat_sees_people(client, login_as):
    login_as(Role.SECRETARIAT)
    shown = ok(client.get("/people"))
    assert heading(shown) == "People"


def test_officer_is_refused_people(client, login_as):
    login_as(Role.OFFICER)
    expect(client.get("/people"), 403)
