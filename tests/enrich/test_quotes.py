"""Quotations found in short texts by the real English model: each construction a reader
would call a quote, its speaker, its cue and its span."""

from __future__ import annotations

import pytest
from spacy.language import Language

from newsarchive.enrich.quotes import quoted_spans
from newsarchive.model import Quote

from .conftest import quotes_of


def only(quotes: tuple[Quote, ...], phrase: str) -> Quote:
    found = [q for q in quotes if phrase in q.text]
    assert len(found) == 1, (phrase, quotes)
    return found[0]


# -- quotation marks, without the model ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("He said “yes” twice.", ["“yes”"]),
        ('He said "yes" twice.', ['"yes"']),
        ("He said ‘yes’ twice.", ["‘yes’"]),
        ("He said «oui» twice.", ["«oui»"]),
        ("Kiev’s leaders’ demands: ‘Nazi’ regime", ["‘Nazi’"]),
        ("“A ‘nested’ quote” ends.", ["“A ‘nested’ quote”"]),
        ("A stray ” mark and a “real” one.", ["“real”"]),
        ("“It never closes.\n\nNext paragraph.", ["“It never closes."]),
        ("“First paragraph.\n\n“Second paragraph.”", ["“First paragraph.\n\n“Second paragraph.”"]),
        ("“ ” empty marks", []),
    ],
)
def test_quotation_marks_pair_up_as_a_reader_reads_them(text: str, quoted: list[str]) -> None:
    assert [text[s:e] for s, e in quoted_spans(text)] == quoted


# -- direct quotations ---------------------------------------------------------------------


def test_a_full_sentence_quote_with_a_postposed_cue(nlp: Language) -> None:
    text = "“We are still talking about Moscow,” Peskov said in a press briefing."
    quote = only(quotes_of(nlp, "Kremlin spokesman Dmitry Peskov spoke on Friday.", text), "Moscow")
    assert quote.speaker == "Dmitry Peskov"
    assert quote.speaker_text == "Peskov"
    assert quote.cue == "said"
    assert quote.direct
    assert quote.text == "“We are still talking about Moscow,”"


def test_a_quote_after_a_colon_keeps_the_speaker_of_the_clause(nlp: Language) -> None:
    text = (
        "Foreign Ministry spokeswoman Maria Zakharova called the position unacceptable, "
        "writing on Telegram: “The secretariat has come to outrageous conclusions.”"
    )
    quote = only(quotes_of(nlp, text), "outrageous")
    assert (quote.speaker, quote.direct, quote.cue) == ("Maria Zakharova", True, "writing")
    assert quote.role == "Foreign Ministry spokeswoman"


def test_a_partial_quote_inside_reported_speech_is_one_mixed_quote(nlp: Language) -> None:
    text = "Sergei Lavrov described the talks as “constructive” on Monday."
    quote = only(quotes_of(nlp, text), "constructive")
    assert quote.speaker == "Sergei Lavrov"
    assert not quote.direct
    text = "Peskov said the “dynamics of the frontline speaks for itself,” as talks went on."
    quote = only(quotes_of(nlp, text), "dynamics")
    assert quote.speaker == "Peskov" and not quote.direct
    assert quote.text.startswith("the “dynamics")


def test_a_quote_running_across_sentences_is_one_quote(nlp: Language) -> None:
    text = (
        "“We continue to wait. The deadline is close. There is no answer,” Peskov told reporters."
    )
    quote = only(quotes_of(nlp, text), "deadline")
    assert quote.text == "“We continue to wait. The deadline is close. There is no answer,”"
    assert quote.speaker == "Peskov"


def test_a_quote_running_across_paragraphs_is_one_quote(nlp: Language) -> None:
    quotes = quotes_of(
        nlp,
        "John Smith, the mayor, said: “The roads are closed.",
        "“The schools are closed too.”",
    )
    quote = only(quotes, "roads")
    assert "schools" in quote.text
    assert quote.speaker == "John Smith"


def test_a_second_quote_after_the_cue_keeps_the_speaker(nlp: Language) -> None:
    quotes = quotes_of(
        nlp,
        "In early January, Donald Trump dismissed the concerns.",
        "“If it expires, it expires,” he told the New York Times. “We will do a better deal.”",
    )
    assert only(quotes, "If it expires").speaker == "Donald Trump"
    later = only(quotes, "better deal")
    assert (later.speaker, later.direct) == ("Donald Trump", True)


# -- indirect quotations -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "speaker", "cue", "content"),
    [
        ("Maria Zakharova said that the talks had failed.", "Maria Zakharova", "said",
         "the talks had failed"),
        ("Peskov told journalists the moratorium would last a week.", "Peskov", "told",
         "the moratorium would last a week"),
        ("According to Dmitry Peskov, the moratorium will last a week.", "Dmitry Peskov",
         "according to", "the moratorium will last a week"),
        ("The moratorium will last a week, Dmitry Peskov said.", "Dmitry Peskov", "said",
         "The moratorium will last a week"),
        ("John Smith claimed that the attacks intensified.", "John Smith", "claimed",
         "the attacks intensified"),
        ("John Smith warned that the attacks would intensify.", "John Smith",
         "warned", "the attacks would intensify"),
        ("John Smith alleged that the forces targeted ambulances.", "John Smith",
         "alleged", "the forces targeted ambulances"),
        ("John Smith insisted that the talks go on.", "John Smith", "insisted",
         "the talks go on"),
        ("Vladimir Medinsky announced that the bodies were handed over.", "Vladimir Medinsky",
         "announced", "the bodies were handed over"),
        ("Sergey Lavrov accused the secretariat of bias.", "Sergey Lavrov", "accused",
         "the secretariat of bias"),
        ("The deal was signed, according to Marco Rubio.", "Marco Rubio", "according to",
         "The deal was signed"),
    ],
)  # fmt: skip
def test_reported_speech(nlp: Language, text: str, speaker: str, cue: str, content: str) -> None:
    quote = only(quotes_of(nlp, text), content)
    assert (quote.speaker, quote.cue, quote.direct, quote.text) == (speaker, cue, False, content)


def test_was_quoted_as_saying(nlp: Language) -> None:
    quotes = quotes_of(
        nlp,
        "Speaking to reporters on Friday, Vladimir Zelensky blamed his Western backers.",
        "“There are no missiles for defense,” he was quoted as saying.",
    )
    quote = only(quotes, "missiles")
    assert (quote.speaker, quote.speaker_text, quote.cue) == (
        "Vladimir Zelensky", "he", "quoted as saying",
    )  # fmt: skip


def test_a_parenthetical_cue_attributes_the_whole_sentence(nlp: Language) -> None:
    quotes = quotes_of(
        nlp,
        "Donald Trump spoke to reporters.",
        "Letting the treaty lapse, he said, would create a serious deficit.",
    )
    quote = only(quotes, "serious deficit")
    assert quote.speaker == "Donald Trump"
    assert quote.text.startswith("Letting the treaty") and quote.text.endswith("deficit")


# -- speakers: pronouns and descriptions ---------------------------------------------------


def test_pronouns_resolve_to_the_last_person_or_organisation(nlp: Language) -> None:
    quotes = quotes_of(
        nlp,
        "Russian Human Rights Commissioner Tatyana Moskalkova called the demands unacceptable.",
        "She stressed that the law requires the release of civilians.",
        "The FSB said the suspect was detained. It noted that he faces a life sentence.",
    )
    assert only(quotes, "requires the release").speaker == "Tatyana Moskalkova"
    noted = only(quotes, "life sentence")
    assert (noted.speaker, noted.speaker_text) == ("FSB", "It")


def test_descriptions_resolve_through_stated_roles(nlp: Language) -> None:
    quotes = quotes_of(
        nlp,
        "Russian Ambassador Anatoly Antonov met Kremlin spokesman Dmitry Peskov.",
        "The diplomat claimed that the attacks intensified.",
        "The Kremlin spokesman said that talks would continue.",
    )
    diplomat = only(quotes, "attacks intensified")
    assert (diplomat.speaker, diplomat.speaker_text) == ("Anatoly Antonov", "The diplomat")
    assert diplomat.role == "Russian Ambassador"
    spokesman = only(quotes, "talks would continue")
    assert spokesman.speaker == "Dmitry Peskov"


def test_an_unresolvable_speaker_is_kept_as_none(nlp: Language) -> None:
    quotes = quotes_of(nlp, "He said that the weather would improve.")
    quote = only(quotes, "weather")
    assert quote.speaker is None and quote.speaker_text == "He"
    quotes = quotes_of(nlp, "Sources said that the talks had stalled.")
    assert only(quotes, "stalled").speaker is None


def test_the_role_stated_at_the_cue_is_kept(nlp: Language) -> None:
    quote = only(
        quotes_of(nlp, "Kremlin spokesman Dmitry Peskov said that the talks would go on."),
        "talks",
    )
    assert (quote.speaker, quote.role) == ("Dmitry Peskov", "Kremlin spokesman")


# -- bad input ------------------------------------------------------------------------------


def test_offsets_index_the_text(nlp: Language) -> None:
    paragraphs = (
        "Dmitry Peskov said that the talks had stalled.",
        "“They will resume,” he added. “Soon.”",
    )
    text = "\n\n".join(paragraphs)
    for quote in quotes_of(nlp, *paragraphs):
        assert text[quote.start : quote.end] == quote.text


@pytest.mark.parametrize(
    "text",
    [
        "Песков заявил журналистам, что переговоры продолжатся. «Мы ждём», — сказал он.",
        "佩斯科夫说：“我们仍在谈论莫斯科。”",
        "“ ” ‘ ’ « » \" ' “ “ ” ” ” ” ‘",
        "He said “this never closes, and “neither does this.",
        "",
        "   \n\n   ",
    ],
)
def test_text_that_is_not_english_prose_does_not_crash(nlp: Language, text: str) -> None:
    for quote in quotes_of(nlp, text):
        assert 0 <= quote.start < quote.end <= len(text)


def test_a_quote_that_never_closes_ends_with_its_paragraph(nlp: Language) -> None:
    quotes = quotes_of(
        nlp, "Dmitry Peskov said: “the talks will go on and on", "Another paragraph follows."
    )
    quote = only(quotes, "talks")
    assert quote.text.endswith("on and on")
    assert quote.speaker == "Dmitry Peskov"


# -- quotations attributed by layout ---------------------------------------------------------


def test_transcript_labels_attribute_what_follows(nlp: Language) -> None:
    quotes = quotes_of(
        nlp,
        "Chris Wallace interviewed Mike Pence on Sunday.",
        "WALLACE: Will Gennifer Flowers be at the debate tomorrow night?",
        "PENCE: Gennifer Flowers will not be attending the debate.",
        "UPDATE: The debate starts at nine.",
    )
    pence = only(quotes, "will not be attending")
    assert (pence.speaker, pence.speaker_text, pence.cue) == ("Mike Pence", "PENCE", ":")
    assert pence.text == "Gennifer Flowers will not be attending the debate."
    assert only(quotes, "Will Gennifer Flowers").speaker == "Chris Wallace"
    assert not [q for q in quotes if "starts at nine" in q.text]


def test_signatures_attribute_the_line_they_end(nlp: Language) -> None:
    quotes = quotes_of(
        nlp,
        "“He is clueless about the struggles of minorities.” ― Edwin G. Monroy",
        "Putin will halt strikes on Kiev – Trump",
    )
    signed = only(quotes, "clueless")
    assert (signed.speaker_text, signed.direct) == ("Edwin G. Monroy", True)
    headline = only(quotes, "halt strikes")
    assert (headline.speaker_text, headline.text) == ("Trump", "Putin will halt strikes on Kiev")
