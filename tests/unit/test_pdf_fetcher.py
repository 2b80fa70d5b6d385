"""While a PDF is made, it may load the service's own static files and
nothing else: no other site, no file on the server."""

from __future__ import annotations

import pytest

from commission.exports.pdf import StaticFilesOnly

BASE = "http://commission.test/"


@pytest.fixture
def fetcher(app):
    return StaticFilesOnly(BASE, str(app.static_folder))


def test_a_static_file_of_the_service_is_read_from_disk(fetcher):
    response = fetcher.fetch(f"{BASE}static/css/app.css")
    assert response.content_type == "text/css"
    assert b"app-table-wrapper" in response.read()


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://evil.example/static/css/app.css",
        "file:///etc/passwd",
        f"{BASE}static/../../../etc/passwd",
        f"{BASE}static/%2e%2e/%2e%2e/config.py",
        f"{BASE}static/css/no-such-file.css",
        f"{BASE}papers/1/secret.pdf",
        "data:text/plain,hello",
    ],
)
def test_anything_else_is_refused(fetcher, url):
    with pytest.raises(ValueError, match="static file"):
        fetcher.fetch(url)
