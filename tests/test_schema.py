"""The output contract: every line `newsarchive parse` prints validates against the JSON
Schema shipped in the package, for the seed and for every other layout."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from tests.cli_support import invoke
from tests.conftest import DUMPS, SAMPLE


def load_schema() -> dict[str, object]:
    text = resources.files("newsarchive").joinpath("schema/article.schema.json").read_text()
    schema: dict[str, object] = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


@pytest.mark.parametrize("path", [SAMPLE, *sorted(DUMPS.glob("*.txt"))], ids=lambda p: p.name)
def test_parse_output_follows_the_schema(path: Path) -> None:
    result = invoke(["parse", "--raw", path])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines, "parse printed nothing"
    validator = jsonschema.Draft202012Validator(load_schema())
    for line in lines:
        article = json.loads(line)
        errors = [e.message for e in validator.iter_errors(article)]
        assert not errors, errors
        assert article["raw"], "--raw must carry the original span"


def test_schema_rejects_a_broken_article() -> None:
    validator = jsonschema.Draft202012Validator(load_schema())
    broken = {"id": "x", "title": 3, "paragraphs": "not a list"}
    assert list(validator.iter_errors(broken))
