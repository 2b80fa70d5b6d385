"""The bulk open datasets (/data/): each published consultation's positions
and every published position together, as CSV with a Frictionless Data
Package descriptor, kept in the download cache and made again on a new
publication; exactly the rows the API's positions give, nothing more."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
from datetime import timedelta

from frictionless import validate
from sqlalchemy import select

from commission.auth.roles import Role
from commission.consultations.models import Position
from commission.exports.cache import forget_all
from commission.exports.models import CachedDownload
from commission.extensions import db
from commission.summaries.rows import frozen_rows, raw_rows
from commission.summaries.services import publish_summary
from commission.timeutil import now_utc
from tests import factories
from tests.conftest import count_statements
from tests.pages import expect, ok, table_records

HEADER = [
    "consultation",
    "gss_code",
    "authority",
    "type",
    "region",
    "control_at_response",
    "population",
    "channel",
    "submitted_at",
    "question",
    "question_text",
    "position",
    "comment",
    "themes",
    "answer",
]


def closed_consultation(title: str, councils, **kwargs):
    now = now_utc()
    consultation = factories.consultation(
        title=title, opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=1), **kwargs
    )
    for council in councils:
        factories.submitted_response(consultation=consultation, authority=council)
    return consultation


def published(title: str, councils, **kwargs):
    """A consultation whose summary the secretariat published (through the
    service, so its dataset is made as it would be)."""
    consultation = closed_consultation(title, councils, **kwargs)
    publish_summary(consultation=consultation, actor=factories.user(role=Role.SECRETARIAT))
    db.session.flush()
    return consultation


def councils(prefix: str, count: int):
    return [factories.council(name=f"{prefix} {n}") for n in range(count)]


def fetch(client, url: str, **kwargs):
    """The response, read to the end at once (a streamed file is read inside
    its own request, before the next one)."""
    response = client.get(url, **kwargs)
    response.get_data()
    return response


def read_rows(response) -> list[dict[str, str]]:
    text = response.get_data(as_text=True)
    assert not text.startswith("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    assert header == HEADER
    return [dict(zip(header, row, strict=True)) for row in reader]


def api_positions(client, reference: str) -> list[dict]:
    items, url = [], f"/api/v1/consultations/{reference}/positions?limit=100"
    while url:
        page = client.get(url).get_json()
        items.extend(page["items"])
        url = page["next"]
    return items


def as_csv_values(position: dict) -> dict[str, str]:
    """An API position as the CSV writes it."""
    values = {}
    for name in HEADER:
        value = position[name]
        if value is None:
            values[name] = ""
        elif name == "submitted_at":
            values[name] = value[:19] + "Z"
        elif name == "themes":
            values[name] = "; ".join(value)
        else:
            values[name] = str(value)
    return values


def assert_valid_package(client, base: str, tmp_path) -> dict:
    """The descriptor and its CSV, checked with the Frictionless framework
    (as a reader would, side by side in a folder), and the facts it states
    against the file as sent."""
    descriptor_response = client.get(f"{base}/datapackage.json")
    expect(descriptor_response)
    assert descriptor_response.mimetype == "application/json"
    descriptor = descriptor_response.get_json()
    body = fetch(client, f"{base}/positions.csv").get_data()
    resource = descriptor["resources"][0]
    assert resource["bytes"] == len(body)
    assert resource["hash"] == "sha256:" + hashlib.sha256(body).hexdigest()
    assert [field["name"] for field in resource["schema"]["fields"]] == HEADER
    assert all(field["description"] for field in resource["schema"]["fields"])
    assert resource["path"] == "positions.csv"
    assert resource["format"] == "csv" and resource["mediatype"] == "text/csv"
    assert resource["encoding"] == "utf-8"
    assert descriptor["licenses"][0]["name"] == "OGL-UK-3.0"
    assert descriptor["sources"]
    folder = tmp_path / base.strip("/").replace("/", "-")
    folder.mkdir()
    (folder / "datapackage.json").write_bytes(descriptor_response.get_data())
    (folder / "positions.csv").write_bytes(body)
    report = validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    return descriptor


def kept_datasets() -> list[str]:
    return list(
        db.session.execute(
            select(CachedDownload.subject)
            .where(CachedDownload.subject.startswith("dataset:"))
            .order_by(CachedDownload.subject)
        ).scalars()
    )


def test_nothing_published_yet(client, app_ctx, tmp_path):
    closed_consultation("Not yet published", councils("Quiet", 2))

    listing = ok(client.get("/data/"))
    assert "No consultation's summary has been published yet" in listing.get_text()
    assert table_records(client.get("/data/"), "main table") == []
    everything = fetch(client, "/data/all/positions.csv")
    expect(everything)
    assert read_rows(everything) == []
    descriptor = assert_valid_package(client, "/data/all", tmp_path)
    assert "created" not in descriptor


def test_one_published_consultation(client, app_ctx, tmp_path):
    answering = councils("Answering", 3)
    consultation = published("Sure Start revival", answering)
    # Made when the summary was published, before anyone asked.
    assert kept_datasets() == [
        f"dataset:{consultation.reference}:csv",
        f"dataset:{consultation.reference}:facts",
    ]

    response = fetch(client, f"/data/{consultation.reference}/positions.csv")
    expect(response)
    assert response.mimetype == "text/csv"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["ETag"] and response.headers["Last-Modified"]
    rows = read_rows(response)
    positions = api_positions(client, consultation.reference)
    assert len(rows) == 3 * 3  # the overall position and two questions, for three councils
    assert rows == [as_csv_values(p) for p in positions]
    assert {row["authority"] for row in rows} == {c.name for c in answering}
    assert {row["question"] for row in rows} == {"", "1", "2"}

    descriptor = assert_valid_package(client, f"/data/{consultation.reference}", tmp_path)
    assert descriptor["name"] == f"commission-positions-{consultation.reference.lower()}"
    assert consultation.reference in descriptor["title"]
    types = {f["name"]: f["type"] for f in descriptor["resources"][0]["schema"]["fields"]}
    assert types["population"] == "integer" and types["submitted_at"] == "datetime"

    [record] = table_records(client.get("/data/"), "main table")
    assert record["Reference"] == consultation.reference
    assert record["Consultation"] == "Sure Start revival"
    assert record["Department"] == consultation.department.name
    assert record["Rows"] == "9"
    assert record["Size"].endswith("KB")


def test_the_page_gives_the_licence_and_is_linked_from_the_api(client, app_ctx):
    text = ok(client.get("/data/")).get_text(" ")
    assert "Open Government Licence v3.0" in text
    for source in ("Office for National Statistics", "mySociety", "Open Council Data UK"):
        assert source in text
    api_docs = ok(client.get("/api/v1/"))
    assert api_docs.select_one('main a[href="/data/"]') is not None
    about = ok(client.get("/about"))
    assert about.select_one('main a[href="/data/"]') is not None


def test_two_published_consultations_and_everything_together(client, app_ctx, tmp_path):
    first = published("Place-based budgets", councils("First", 2))
    second = published("English Deal", councils("Second", 3), questions=3)

    everything = read_rows(fetch(client, "/data/all/positions.csv"))
    one = read_rows(fetch(client, f"/data/{first.reference}/positions.csv"))
    two = read_rows(fetch(client, f"/data/{second.reference}/positions.csv"))
    assert len(one) == 2 * 3 and len(two) == 3 * 4
    assert everything == sorted([*one, *two], key=lambda row: row["consultation"])
    assert {row["consultation"] for row in everything} == {first.reference, second.reference}
    descriptor = assert_valid_package(client, "/data/all", tmp_path)
    assert descriptor["name"] == "commission-positions-all"

    # Compressed on the way to a client that accepts it, the same file.
    packed = fetch(client, "/data/all/positions.csv", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    plain = fetch(client, "/data/all/positions.csv", headers={"Accept-Encoding": "identity"})
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert int(plain.headers["Content-Length"]) == descriptor["resources"][0]["bytes"]

    kept = fetch(
        client, f"/data/{first.reference}/positions.csv", headers={"Accept-Encoding": "gzip"}
    )
    assert kept.headers["Content-Encoding"] == "gzip"
    assert (
        gzip.decompress(kept.get_data())
        == client.get(f"/data/{first.reference}/positions.csv").get_data()
    )

    listing = table_records(client.get("/data/"), "main table")
    assert [r["Reference"] for r in listing] == sorted([first.reference, second.reference])
    assert "18 rows from 2 consultations" in ok(client.get("/data/")).get_text()


def test_a_new_publication_makes_a_new_file(client, app_ctx):
    answering = councils("Republished", 2)
    consultation = published("Health and care integration", answering)
    url = f"/data/{consultation.reference}/positions.csv"
    first = client.get(url)
    all_first = fetch(client, "/data/all/positions.csv")
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert (
        client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code
        == 304
    )

    # The summary published again (a correction), with one more authority.
    late = factories.council(name="Republished late")
    factories.submitted_response(consultation=consultation, authority=late)
    snapshot = factories.summary_snapshot(consultation=consultation, published=True)
    snapshot.answers = frozen_rows(raw_rows(consultation))
    snapshot.created_at = now_utc() + timedelta(seconds=5)
    db.session.flush()

    second = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    expect(second)
    assert second.headers["ETag"] != first.headers["ETag"]
    assert "Republished late" in {row["authority"] for row in read_rows(second)}
    assert len(read_rows(second)) == 3 * 3
    all_second = fetch(
        client, "/data/all/positions.csv", headers={"If-None-Match": all_first.headers["ETag"]}
    )
    expect(all_second)
    assert len(read_rows(all_second)) == 3 * 3
    # The old files are gone: one CSV and one set of facts per consultation.
    assert kept_datasets().count(f"dataset:{consultation.reference}:csv") == 1


def test_an_unpublished_consultation_is_absent(client, app_ctx):
    published("Published one", councils("Shown", 1))
    hidden = closed_consultation("Not published", councils("Hidden", 2))
    meeting = factories.meeting(published=True)
    snapshot = factories.summary_snapshot(consultation=hidden, meeting=meeting)
    snapshot.answers = frozen_rows(raw_rows(hidden))
    db.session.flush()

    assert fetch(client, f"/data/{hidden.reference}/positions.csv").status_code == 404
    assert client.get(f"/data/{hidden.reference}/datapackage.json").status_code == 404
    everything = read_rows(fetch(client, "/data/all/positions.csv"))
    assert hidden.reference not in {row["consultation"] for row in everything}
    assert not any(row["authority"].startswith("Hidden") for row in everything)
    assert hidden.reference not in ok(client.get("/data/")).get_text()


def test_nothing_beyond_what_the_api_positions_show(client, app_ctx):
    """A draft response, and a response signed off after publication, are not
    in the published summary: neither the API nor the datasets show them."""
    consultation = closed_consultation("Private answers", councils("Signed", 2))
    drafting = factories.council(name="Drafting council")
    factories.draft_response(
        consultation=consultation,
        authority=drafting,
        position=Position.OPPOSE,
        comment="Private draft thoughts",
    )
    publish_summary(consultation=consultation, actor=factories.user(role=Role.SECRETARIAT))
    late = factories.council(name="After publication council")
    factories.submitted_response(consultation=consultation, authority=late)
    db.session.flush()

    rows = read_rows(fetch(client, f"/data/{consultation.reference}/positions.csv"))
    everything = read_rows(fetch(client, "/data/all/positions.csv"))
    positions = api_positions(client, consultation.reference)

    assert rows == [as_csv_values(p) for p in positions] == everything
    names = {row["authority"] for row in rows}
    assert names == {"Signed 0", "Signed 1"}
    body = fetch(client, "/data/all/positions.csv").get_data(as_text=True)
    assert "Private draft thoughts" not in body
    assert "Drafting council" not in body and "After publication council" not in body


def test_unknown_references_are_not_found(client, app_ctx):
    for url in (
        "/data/LGC-2099-999/positions.csv",
        "/data/LGC-2099-999/datapackage.json",
        "/data/not-a-reference/positions.csv",
        "/data/all/other.csv",
    ):
        assert client.get(url).status_code == 404, url


def _statements(client, urls: list[str]) -> list[int]:
    for url in urls:  # made and kept first
        expect(fetch(client, url))
    counts = []
    for url in urls:
        db.session.commit()
        with count_statements() as statements:
            client.get(url).get_data()
        counts.append(len([s for s in statements if s.startswith("SELECT")]))
    return counts


def test_statements_do_not_grow_with_rows(client, app_ctx):
    first = published("Counted small", councils("Small", 1), questions=1)
    urls = [
        "/data/",
        "/data/all/positions.csv",
        "/data/all/datapackage.json",
        f"/data/{first.reference}/positions.csv",
        f"/data/{first.reference}/datapackage.json",
    ]
    before = _statements(client, urls)

    published("Counted big", councils("Big", 12), questions=6)
    published("Counted bigger", councils("Bigger", 20), questions=8)
    after = _statements(client, urls)

    assert after == before
    # The datasets, then the kept facts and files (the page and the files of
    # everything); a consultation's files add its loader's reads (with its
    # questions' options and its sections).
    assert before[:3] == [4, 5, 4]
    assert max(before[3:]) <= 10


def test_make_datasets_makes_what_is_not_kept(app, client, app_ctx):
    published("Made by command", councils("Command", 2))
    forget_all()
    db.session.commit()
    runner = app.test_cli_runner()

    first = runner.invoke(args=["make-datasets"])
    again = runner.invoke(args=["make-datasets"])

    assert first.exit_code == 0, first.output
    assert first.output.strip() == "1 published consultations, 6 positions (made now)"
    assert again.output.strip() == "1 published consultations, 6 positions (all kept already)"
    assert len(kept_datasets()) == 3  # the consultation's CSV and facts, everything's facts
