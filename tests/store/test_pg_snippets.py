"""PostgreSQL search snippets, marked in Python (no server: the words' lexemes are given
as the server would give them)."""

from __future__ import annotations

from newsarchive.store import pg_search, pg_snippets
from newsarchive.store.base import HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN

OPEN, CLOSE = HIGHLIGHT_OPEN, HIGHLIGHT_CLOSE
LEXEMES = {
    "prime": "prime",
    "primary": "primari",
    "minister": "minist",
    "ministers": "minist",
    "kilroy-silk": "kilroy-silk",
    "kilroy": "kilroy",
    "silk": "silk",
    "zürich": "zurich",
    "zurich": "zurich",
    "elections": "elect",
    "electorate": "elector",
    "election": "elect",
}


def snippet(text: str, normalised: str) -> str:
    terms = pg_snippets.terms(normalised)
    found = pg_snippets.scan(text, terms)
    assert pg_snippets.keys(found) <= set(LEXEMES), pg_snippets.keys(found) - set(LEXEMES)
    return pg_snippets.mark(text, found, terms, LEXEMES)


def test_the_query_s_phrases_are_read_without_what_is_negated() -> None:
    assert pg_snippets.terms("'prime' <-> 'minist' & !'x'").phrases == (
        (("prime", False), ("minist", False)),
    )
    assert pg_snippets.terms("( 'bank' | 'court' ) & !( 'a' | 'b' ) & 'rate':A").phrases == (
        (("bank", False),),
        (("court", False),),
        (("rate", False),),
    )
    assert pg_snippets.terms("'elect':* | 'o''neill'").phrases == (
        (("elect", True),),
        (("o'neill", False),),
    )


def test_a_phrase_is_marked_only_where_its_words_stand_together() -> None:
    text = "A minister of prime importance met the prime minister and two ministers."
    marked = snippet(text, "'prime' <-> 'minist'")
    pair = f"{OPEN}prime{CLOSE} {OPEN}minister{CLOSE}"
    assert marked == f"A minister of prime importance met the {pair} and two ministers."
    assert snippet(text, "'minist'").count(OPEN) == 3


def test_a_hyphenated_name_marks_its_parts() -> None:
    text = "Mr Kilroy-Silk said the silk trade was Kilroy's."
    assert snippet(text, "'kilroy-silk' <-> 'kilroy' <-> 'silk'") == (
        f"Mr {OPEN}Kilroy{CLOSE}-{OPEN}Silk{CLOSE} said the silk trade was Kilroy's."
    )


def test_prefixes_and_diacritics_mark_what_the_lexemes_match() -> None:
    text = "Elections in Zürich: the electorate voted on the election."
    marked = snippet(text, "'elect':* & 'zurich'")
    for word in ("Elections", "Zürich", "electorate", "election"):
        assert f"{OPEN}{word}{CLOSE}" in marked
    assert snippet(text, "'elect'").count(OPEN) == 2  # electorate is 'elector'


def test_a_long_text_shows_a_stretch_around_the_most_marked_words() -> None:
    words = [f"w{n}" for n in range(200)]
    words[120:122] = ["prime", "minister"]
    text = " ".join(words)
    marked = snippet(text, "'prime' <-> 'minist'")
    plain = marked.replace(OPEN, "").replace(CLOSE, "")
    assert f"{OPEN}prime{CLOSE} {OPEN}minister{CLOSE}" in marked
    assert len(plain) <= pg_snippets.CHARS and plain in text
    assert text.index(plain) > 0 and (" " + plain + " ") in text  # whole words only
    before, after = plain.split("prime minister")
    assert abs(len(before) - len(after)) < 12  # widened evenly on both sides
    nothing = snippet(text, "'zzz'")
    assert text.startswith(nothing) and len(nothing) <= pg_snippets.CHARS // 2
    assert (nothing + " ") in text


def test_a_long_text_is_cut_around_the_phrase_not_an_earlier_word() -> None:
    text = "Japan's ruling party elected former foreign minister Haruka Mori. " * 4 + (
        "She is on course to become the second female prime minister."
    )
    phrase = pg_snippets.terms("'prime' <-> 'minist'")
    probes = pg_snippets.probes(pg_search.tsquery_text('"prime minister"'), phrase)
    excerpt = pg_snippets.excerpt(text, probes)
    assert excerpt is not None and "prime minister" in excerpt
    assert len(excerpt) <= pg_snippets.EXCERPT_CHARS and excerpt in text
    assert pg_snippets.excerpt("A text about something else", probes) is None
    accented = pg_snippets.probes(
        pg_search.tsquery_text("zürich*"), pg_snippets.terms("'zurich':*")
    )
    running = pg_snippets.probes(pg_search.tsquery_text("running"), pg_snippets.terms("'run'"))
    assert pg_snippets.excerpt("He runs daily", running) == "He runs daily"
    happy = pg_snippets.probes(pg_search.tsquery_text("happi*"), pg_snippets.terms("'happi':*"))
    assert pg_snippets.excerpt("A happy day", happy) == "A happy day"
    assert pg_snippets.excerpt("Polls in Zurich", accented) == "Polls in Zurich"
