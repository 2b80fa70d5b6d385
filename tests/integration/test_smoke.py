from commission.auth.roles import Role
from tests.conftest import heading


def test_home_page_shows_service_name(client):
    response = client.get("/")
    assert response.status_code == 200
    assert heading(response) == "Local Government Commission"


def test_secretariat_sees_people(client, login_as):
    login_as(Role.SECRETARIAT)
    response = client.get("/people")
    assert response.status_code == 200
    assert heading(response) == "People"


def test_officer_is_refused_people(client, login_as):
    login_as(Role.OFFICER)
    assert client.get("/people").status_code == 403
