"""Atom dates as a feed reader sees them, for the layouts the dump reader produces."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from fastapi.testclient import TestClient

from newsarchive.settings import Settings
from newsarchive.store import Location
from newsarchive.web import create_app
from newsarchive.web.feeds import rfc3339
from tests.cli_support import invoke
from tests.conftest import DUMPS

ATOM = "{http://www.w3.org/2005/Atom}"


def test_dates_printed_without_a_zone_are_kept_not_replaced_by_the_archive_date() -> None:
    assert rfc3339("2026-02-04T12:45:00", "2030-01-01T00:00:00Z") == "2026-02-04T12:45:00Z"
    assert rfc3339("2026-02-04", "x") == "2026-02-04T00:00:00Z"
    assert rfc3339("2026-02-18T09:12:00+00:00", "x") == "2026-02-18T09:12:00+00:00"
    assert rfc3339(None, "2030-01-01T00:00:00Z") == "2030-01-01T00:00:00Z"


def test_feed_of_timestamped_teasers_carries_their_publication_times(
    archive_location: Location,
) -> None:
    db = archive_location
    assert invoke(["ingest", "--db", db, DUMPS / "business-teasers.txt"]).exit_code == 0
    with TestClient(create_app(Settings(db=db))) as client:
        root = ET.fromstring(client.get("/category/business/feed.atom").content)
    published = [e.findtext(f"{ATOM}published") for e in root.findall(f"{ATOM}entry")]
    assert published == ["2026-02-04T12:45:00Z", "2026-02-04T09:10:00Z", "2026-02-03T17:30:00Z"]
    assert root.findtext(f"{ATOM}updated") == "2026-02-04T12:45:00Z"
