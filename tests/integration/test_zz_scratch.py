from commission.auth.roles import Role
from commission.extensions import db
from commission.auth.models import User
from tests import factories
from tests.conftest import heading, error_summary, page


def test_dup(client, login_as):
    me = login_as(Role.SECRETARIAT)
    factories.user(email="a@x.gov.uk")
    r = client.post("/people/invite", data={"full_name": "A B", "email": "A@X.gov.uk", "role": "officer"})
    print(r.status_code, heading(r), error_summary(r)); print(page(r).select_one(".govuk-error-summary"))
    print(db.session.get(User, me.id))
    r = client.get("/people")
    print(r.status_code, r.headers.get("Location"))


def test_self(client, login_as):
    me = login_as(Role.SECRETARIAT)
    db.session.commit()
    r = client.post(f"/people/{me.id}/deactivate")
    print(r.status_code, heading(r), error_summary(r)); print(page(r).select_one(".govuk-error-summary"))
