"""Figures found by the real English model: the number, what it counts, when, and who
says so; dates, years, times, page and phone numbers are not figures."""

from __future__ import annotations

import pytest
from spacy.language import Language

from newsarchive.enrich.entities import find_entities
from newsarchive.enrich.figures import find_figures, parse_number
from newsarchive.extract.dump import split_archive_page
from newsarchive.model import Document, Figure, Quote, enrichment_text
from tests.conftest import SAMPLE

from .conftest import parse_text


def figures_of(nlp: Language, text: str, quotes: tuple[Quote, ...] = ()) -> tuple[Figure, ...]:
    doc = parse_text(nlp, text)
    return find_figures(doc, find_entities(doc), quotes)


def only(figures: tuple[Figure, ...], value: str) -> Figure:
    found = [f for f in figures if f.value == value]
    assert len(found) == 1, (value, figures)
    return found[0]


@pytest.fixture(scope="module")
def seed_figures(nlp: Language) -> tuple[Figure, ...]:
    text = SAMPLE.read_text(encoding="utf-8")
    articles = split_archive_page(Document(text, "0" * 64, "utf-8", path=str(SAMPLE)))
    found: list[Figure] = []
    for article in articles:
        doc = parse_text(nlp, enrichment_text(article))
        found += find_figures(doc, find_entities(doc), ())
    return tuple(found)


# -- the seed --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "number", "counts", "period"),
    [
        ("6,483", 6483.0, "civilian casualties", "in 2025"),
        ("1,065", 1065.0, "deaths", "in 2025"),
        ("1,550", 1550.0, "deployed strategic nuclear warheads", None),
        ("700", 700.0, "deployed launchers", None),
        ("62", 62.0, "cm", "Thursday"),
        ("57", 57.0, "cm", "in 1956"),
        ("12", 12.0, "Russian civilians", "Friday"),
        ("14,000", 14000.0, "people", "in eight years"),
        ("40%", 40.0, "Jews", None),
        ("1,003", 1003.0, "troops", "December 19"),
        ("11,000", 11000.0, "soldiers", "In early December"),
        ("600", 600.0, "nuclear warheads", None),
    ],
)
def test_seed_figures_with_what_they_count(
    seed_figures: tuple[Figure, ...],
    value: str,
    number: float,
    counts: str,
    period: str | None,
) -> None:
    figure = only(seed_figures, value)
    assert (figure.number, figure.counts, figure.period) == (number, counts, period)


def test_a_treaty_date_in_another_clause_is_not_the_figures_period(
    seed_figures: tuple[Figure, ...],
) -> None:
    # "The New START Treaty, which was signed in 2010 and extended in 2021, caps ... 1,550"
    assert only(seed_figures, "1,550").period is None


@pytest.mark.parametrize(
    ("value", "claimed_by"),
    [
        ("12", "Rodion Miroshnik"),  # "..., Russian Ambassador-at-Large Rodion Miroshnik said"
        ("14,000", "International Crisis Group"),  # "according to the International Crisis Group"
        ("1,000", "Vladimir Medinsky"),  # "..., presidential aide Vladimir Medinsky has announced"
        ("11,000", "Sergey Lavrov"),  # "Sergey Lavrov said Moscow had returned ..."
        ("62", "Hydrometeorological Center"),  # "Russia’s Hydrometeorological Center told RBK"
        ("26", None),  # the article's own account
    ],
)  # fmt: skip
def test_seed_figures_claimed_by_the_subject_of_a_reporting_verb(
    seed_figures: tuple[Figure, ...], value: str, claimed_by: str | None
) -> None:
    assert only(seed_figures, value).claimed_by == claimed_by


def test_seed_years_and_dates_are_not_figures(seed_figures: tuple[Figure, ...]) -> None:
    values = {f.value for f in seed_figures}
    assert not values & {"2022", "2024", "2025", "2014", "1956", "2010", "27", "19", "5", "1"}
    assert not [f for f in seed_figures if f.value.casefold() in ("one", "first")]


def test_offsets_index_the_text(nlp: Language) -> None:
    text = "The fund lost $1.2 billion, the ministry said, and 40% of staff left."
    for figure in figures_of(nlp, text):
        assert text[figure.start : figure.end] == figure.value


# -- own sentences ---------------------------------------------------------------------------


def test_money_percentages_and_qualified_counts(nlp: Language) -> None:
    money = only(figures_of(nlp, "The US pledged $1.2 billion in aid on Monday."), "$1.2 billion")
    assert (money.number, money.counts, money.period) == (1.2e9, "dollars", "Monday")
    drones = only(figures_of(nlp, "More than 300 drones were shot down overnight."), "300")
    assert (drones.number, drones.counts) == (300.0, "drones")
    rubles = only(
        figures_of(nlp, "Russia has spent 2 trillion rubles since February 2022."), "2 trillion"
    )
    assert (rubles.number, rubles.counts, rubles.period) == (2e12, "rubles", "since February 2022")
    turnout = only(figures_of(nlp, "Turnout was 40% in 2024."), "40%")
    assert (turnout.number, turnout.period) == (40.0, "in 2024")


def test_spelled_numbers_that_count_something(nlp: Language) -> None:
    figures = figures_of(
        nlp, "Half a million people fled, and twenty-five villages were destroyed last year."
    )
    assert only(figures, "Half a million").number == 500_000.0
    villages = only(figures, "twenty-five")
    assert (villages.number, villages.counts, villages.period) == (25.0, "villages", "last year")


@pytest.mark.parametrize(
    "text",
    [
        "The war began in 2022 and escalated in February 2023.",
        "On March 3, 2023 at 10:30 the brigade moved.",
        "The 2nd brigade and the 45th regiment arrived on the 27th.",
        "Call 555-123-4567 or +7 495 123 45 67 for details.",
        "See page 12 and Article 5 of the charter.",
        "One of the most notorious camps was liberated.",
        "The two sides met again.",
        "He watched Russia 1 all evening.",
    ],
)
def test_dates_years_times_ordinals_and_references_are_not_figures(
    nlp: Language, text: str
) -> None:
    assert figures_of(nlp, text) == ()


def test_a_year_can_still_count_something(nlp: Language) -> None:
    cars = only(figures_of(nlp, "The company sold 2,024 cars in 1999."), "2,024")
    assert (cars.number, cars.counts, cars.period) == (2024.0, "cars", "in 1999")


def test_claimed_by_the_speaker_of_the_quote_around_it(nlp: Language) -> None:
    text = "Miroshnik's report was published. He said at least 6,483 civilians were hurt in 2025."
    start = text.index("at least")
    end = text.index(" in 2025") + len(" in 2025")
    quote = Quote("Rodion Miroshnik", text[start:end], "said", False, start, end, "He")
    figure = only(figures_of(nlp, text, (quote,)), "6,483")
    assert (figure.claimed_by, figure.counts, figure.period) == (
        "Rodion Miroshnik",
        "civilians",
        "in 2025",
    )
    # without the quote, "He" names nobody: unresolved, never guessed
    assert only(figures_of(nlp, text), "6,483").claimed_by is None


def test_an_unresolved_quote_speaker_is_not_guessed(nlp: Language) -> None:
    text = "He said 300 drones were launched."
    quote = Quote(None, text[8:32], "said", False, 8, 32, "He")
    assert only(figures_of(nlp, text, (quote,)), "300").claimed_by is None


def test_a_pledge_is_no_claim(nlp: Language) -> None:
    figures = figures_of(nlp, "The US pledged $1.2 billion in aid, the Pentagon said.")
    assert only(figures, "$1.2 billion").claimed_by != "US"


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("1,550", 1550.0),
        ("6,483", 6483.0),
        ("$1.2 billion", 1.2e9),
        ("1.2 billion", 1.2e9),
        ("40%", 40.0),
        ("62", 62.0),
        ("two", 2.0),
        ("twenty-five", 25.0),
        ("half a million", 500_000.0),
        ("3 million", 3e6),
        ("€4.5bn", 4.5e9),
        ("dozens", None),
        ("thousands", None),
        ("", None),
    ],
)
def test_parse_number(value: str, number: float | None) -> None:
    assert parse_number(value) == number


# -- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Кремль заявил, что 12 человек погибли в 2024 году.",
        "克里姆林宫表示，300架无人机。",
        "1,234 5,678 9 10 11 — $ % € ### 1.2.3.4 10:30:00 +++ 1e9 0x1F",
        "$ $ $ billion million % percent half a",
    ],
)
def test_text_that_is_not_english_prose_does_not_crash(nlp: Language, text: str) -> None:
    for figure in figures_of(nlp, text):
        assert 0 <= figure.start < figure.end <= len(text)


def test_a_one_megabyte_paragraph(nlp: Language) -> None:
    sentence = (
        "Kremlin spokesman Dmitry Peskov said Kiev holds 12 Russian civilians since "
        "February 2022, and Peskov added that 1,550 warheads remain. "
    )
    text = (sentence * (1_000_000 // len(sentence) + 1))[:1_000_000]
    doc = parse_text(nlp, text)
    entities = find_entities(doc)
    figures = find_figures(doc, entities, ())
    peskov = [e for e in entities if e.name == "Dmitry Peskov"]
    assert len(peskov) == 1 and len(peskov[0].mentions) > 10_000
    assert not [e for e in entities if e.name == "Kiev" and e.label == "PERSON"]
    assert len(figures) > 10_000
    assert {f.counts for f in figures} >= {"Russian civilians", "warheads"}
