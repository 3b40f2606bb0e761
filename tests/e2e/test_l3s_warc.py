"""The issue's WARC: L3S-GN1's 621 news pages of 2008, as a WARC with conversion records."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.archive import counts, error_lines, export, newsarchive


def test_l3s_gn1_warc_is_ingested_page_by_page(shared_dir: Path, tmp_path: Path) -> None:
    warc = shared_dir / "eval" / "l3s-gn1" / "L3S-GN1-reconstructed.warc.gz"
    db = tmp_path / "l3s.db"
    result = newsarchive(["ingest", warc, "--db", db], cwd=tmp_path, timeout=900)
    assert result.returncode == 0, result.stderr
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith("621 documents:"), summary  # the conversion records skipped
    numbers = counts(summary)
    errors = error_lines(result.stderr)
    assert numbers["failed"] == len(errors)
    # three pages of the set hold no article text that any extractor finds
    assert numbers["failed"] <= 4, errors
    articles = export(db)
    # one article per page read: no page taken for a listing and split into teasers
    assert numbers["added"] + numbers["updated"] + numbers["unchanged"] == 621 - numbers["failed"]
    assert len(articles) == numbers["added"]  # pages sharing a canonical URL are one article
    assert not [a for a in articles if a["teaser"]]
    for article in articles:
        source = article["source"]
        assert source["path"] == str(warc)
        assert source["record_id"].startswith("<urn:uuid:")
        assert source["record_offset"] >= 0
        assert article["paragraphs"], article["url"]
