"""The golden test: the seed's quotations are attributed to the people and organisations
who said them, including those introduced by a pronoun or a description.

Every pair below was checked by reading ``category-archive-russia.txt``."""

from __future__ import annotations

import hashlib

import pytest
from spacy.language import Language

from newsarchive.enrich.enricher import Enricher
from newsarchive.extract.dump import split_archive_page
from newsarchive.model import Document, Quote, enrichment_text
from tests.conftest import SAMPLE

# (speaker, a distinctive phrase of the quote); the comment says how the article names
# the speaker at the cue when it is not the name
EXPECTED = [
    ("Rodion Miroshnik", "demand the release of “war criminals”"),
    ("Rodion Miroshnik", "Kiev continues to hold 12 Russian civilians"),
    ("Rodion Miroshnik", "demand the return of Ukrainian war criminals"),
    ("Tatyana Moskalkova", "Moscow cannot legally comply"),
    ("Tatyana Moskalkova", "international humanitarian law requires Ukraine"),  # She
    ("Tatyana Moskalkova", "Nine months of negotiations"),  # she
    ("Rodion Miroshnik", "6,483 civilian casualties"),  # He
    ("Rodion Miroshnik", "deliberately targeted ambulances"),  # He
    ("Rodion Miroshnik", "due to the activization of the peace process"),  # The diplomat
    ("Vladimir Zelensky", "air defense systems lacked missiles"),
    ("Vladimir Zelensky", "were unable to repel recent attacks"),
    ("Vladimir Zelensky", "I know there will be no light"),  # he was quoted as saying
    ("Viktor Orban", "a man in a desperate position"),
    ("Antonio Tajani", "he lacked gratitude"),
    ("Vitaly Klitschko", "electricity generation is a federal responsibility"),
    ("Donald Trump", "he had secured a week-long moratorium"),  # The US president
    ("Dmitry Peskov", "Russia has agreed to partially suspend"),
    ("Donald Trump", "he had personally asked President Vladimir Putin"),
    ("Dmitry Peskov", "create favorable conditions for negotiations"),
    ("Dmitry Peskov", "dynamics of the frontline speaks for itself"),
    ("FSB", "An armed suspect was apprehended"),  # the agency (in the headline)
    ("FSB", "terrorist attack in support of the Kiev regime"),
    ("FSB", "he was given a firearm"),  # the agency
    ("FSB", "loaded Makarov pistol"),
    ("FSB", "Ukrainian security services are actively searching online"),
    ("FSB", "anyone caught cooperating with Kiev"),  # It
    ("Antonio Guterres", "“territorial integrity” prevails"),
    ("Antonio Guterres", "self-determination does not apply to the people of Crimea"),
    ("Sergey Lavrov", "playing into the hands"),
    ("Antonio Guterres", "very interesting discussions"),
    ("Antonio Guterres", "After a very careful study"),
    ("Maria Zakharova", "The UN secretariat has come to all sorts"),
    ("Sergey Mironov", "once again highlights the need for UN reform"),
    ("Leonid Slutsky", "segregation based on the principle"),
    ("Leonid Slutsky", "the UN Charter is not a menu"),
    ("Russian Embassy", "Unfortunately, in recent years"),  # the embassy
    ("Russian Embassy", "Soviet troops freed the survivors"),  # the diplomats
    ("Russian Embassy", "the organizers still did not deem it necessary"),  # the embassy
    ("Russian Embassy", "May it weigh on their conscience"),  # the statement
    ("Raphael Schmeller", "Remembrance should be free"),  # he
    ("Raphael Schmeller", "instrumentalize or ignore history"),  # he
    ("Dmitry Peskov", "The Russian president has agreed to meet"),  # his spokesman
    ("Dmitry Peskov", "Only Moscow is currently being discussed"),
    ("Dmitry Peskov", "We’re still talking about Moscow"),
    ("Dmitry Peskov", "Speculative discussions are inappropriate here"),
    ("Yury Ushakov", "a meeting could be arranged in the Russian capital"),
    ("Yury Ushakov", "Our president has also said several times"),  # he
    ("Yury Ushakov", "we will guarantee his safety"),
    ("Yury Ushakov", "carefully prepared and goal-oriented"),  # The presidential aide
    ("Steve Witkoff", "made a lot of progress"),
    ("Marco Rubio", "Jared Kushner will not be attending"),
    ("Donald Trump", "could let the New START Treaty expire"),
    ("Dmitry Peskov", "would be extremely difficult and time-consuming"),
    ("Donald Trump", "If it expires, it expires"),  # he
    ("Donald Trump", "We’ll just do a better agreement"),
    ("Dmitry Peskov", "stance on the issue was “consistent,”"),
    ("Dmitry Peskov", "We continue to wait"),
    ("Dmitry Peskov", "takes a lot of time and is complicated"),
    ("Dmitry Peskov", "serious deficit"),  # he
    ("Vladimir Putin", "Moscow was ready to continue observing"),
    ("Donald Trump", "the framework should include China"),  # he
    ("Donald Trump", "were “very important,”"),  # he
    ("Donald Trump", "Russia is willing to do it"),  # he
    ("Vladimir Medinsky", "Moscow has handed over the bodies of 1,000"),
    ("Vladimir Medinsky", "humanitarian agreements approved last year"),
    ("Sergey Lavrov", "returned the remains of more than 11,000 soldiers"),
]
# quotations whose speaker the article does not let one resolve: kept, never guessed
UNRESOLVED = [
    "he had the rank of lieutenant colonel",  # the suspect
    "thousands of workers and hundreds of snowplows",  # Moscow officials
]


@pytest.fixture(scope="module")
def seed_quotes(nlp: Language) -> list[tuple[str, Quote]]:
    """Every quote of the seed's articles, with its article's text."""
    text = SAMPLE.read_text(encoding="utf-8")
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    articles = split_archive_page(Document(text, sha, "utf-8", path=str(SAMPLE)))
    out: list[tuple[str, Quote]] = []
    for article, enrichment in zip(articles, Enricher(nlp).enrich(articles), strict=True):
        text = enrichment_text(article)
        out.extend((text, quote) for quote in enrichment.quotes)
    return out


def _speakers_of(phrase: str, quotes: list[tuple[str, Quote]]) -> list[str | None]:
    return [quote.speaker for _, quote in quotes if phrase in quote.text]


@pytest.mark.parametrize(("speaker", "phrase"), EXPECTED)
def test_the_seed_quote_is_attributed_to_its_speaker(
    speaker: str, phrase: str, seed_quotes: list[tuple[str, Quote]]
) -> None:
    assert speaker in _speakers_of(phrase, seed_quotes)


@pytest.mark.parametrize("phrase", UNRESOLVED)
def test_an_unresolvable_seed_speaker_stays_unresolved(
    phrase: str, seed_quotes: list[tuple[str, Quote]]
) -> None:
    assert _speakers_of(phrase, seed_quotes) == [None]


def test_seed_quotes_index_their_article_text(seed_quotes: list[tuple[str, Quote]]) -> None:
    for text, quote in seed_quotes:
        assert text[quote.start : quote.end] == quote.text


def test_no_seed_quote_is_given_to_a_wrong_listed_speaker(
    seed_quotes: list[tuple[str, Quote]],
) -> None:
    """Precision on the listed phrases: a quote holding one has that phrase's speaker
    (or, for a quote nested in another's, the outer speaker's)."""
    wrong = [
        (phrase, quote.speaker)
        for speaker, phrase in EXPECTED
        for _, quote in seed_quotes
        if phrase in quote.text and quote.speaker not in {speaker, None}
        and len(quote.text) < 3 * len(phrase) + 200
    ]  # fmt: skip
    assert wrong == []
