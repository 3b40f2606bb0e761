"""Figures: numbers with what they count, the period they refer to, and who claims them.

"at least 6,483 civilian casualties in 2025", "He said" -> value "6,483", counts "civilian
casualties", period "in 2025", claimed by the speaker of the quote around it. The model's
number entities (CARDINAL, MONEY, PERCENT, QUANTITY) are the candidates; the dependency
parse says what each counts. Dates, times, ordinals, years, page and phone numbers are not
figures, and neither is a spelled number that counts nothing ("one of the most ...").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from newsarchive.enrich.cues import cue_lemma, is_according_to
from newsarchive.model import Entity, Figure, Quote

_NUMBER_LABELS = ("CARDINAL", "MONEY", "PERCENT", "QUANTITY")
_SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
           "bn": 1e9, "mn": 1e6, "m": 1e6, "k": 1e3, "tn": 1e12}  # fmt: skip
_SMALL = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen", "twenty")  # fmt: skip
_WORDS = {word: float(i) for i, word in enumerate(_SMALL)}
_WORDS.update({"thirty": 30.0, "forty": 40.0, "fifty": 50.0, "sixty": 60.0, "seventy": 70.0,
               "eighty": 80.0, "ninety": 90.0, "dozen": 12.0, "a": 1.0, "an": 1.0})  # fmt: skip
_CURRENCIES = {"$": "dollars", "US$": "dollars", "€": "euros", "£": "pounds", "¥": "yen",
               "₽": "rubles", "₴": "hryvnias", "₹": "rupees"}  # fmt: skip
# what precedes a number that is a reference, not a quantity: "page 12", "Article 5"
_REFERENCE_WORDS = {"page", "pages", "p.", "pp.", "no.", "no", "number", "chapter", "section",
                    "article", "paragraph", "vol.", "volume", "line", "room", "flight",
                    "route", "#", "tel", "tel.", "phone", "fax", "channel", "resolution",
                    "platform", "gate", "version", "episode", "season"}  # fmt: skip
_PERIOD_PREPOSITIONS = {"since", "in", "over", "between", "during", "from", "by", "until",
                        "till", "through", "throughout", "before", "after", "for", "of",
                        "within"}  # fmt: skip
_TIME_WORDS = re.compile(
    r"\d|\b(year|years|month|months|week|weeks|decade|decades|century|centuries|quarter|"
    r"today|yesterday|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"january|february|march|april|may|june|july|august|september|october|november|"
    r"december|spring|summer|autumn|fall|winter)\b",
    re.IGNORECASE,
)
_PHONE = re.compile(r"\+?\(?\d[\d\-\s().]{5,}\d")
_YEAR = re.compile(r"1[5-9]\d\d|20\d\d")
_ORDINAL = re.compile(r"\d+(st|nd|rd|th)", re.IGNORECASE)
_MAX_COUNTS_TOKENS = 8


def find_figures(
    doc: Doc, entities: Sequence[Entity], quotes: Sequence[Quote]
) -> tuple[Figure, ...]:
    """The figures of ``doc`` in text order; offsets index ``doc.text``."""
    context = _Context.of(doc, entities, quotes)
    figures = []
    for span in sorted(_candidates(doc), key=lambda s: s.start):
        figure = _figure(doc, span, context)
        if figure is not None:
            figures.append(figure)
    return tuple(figures)


@dataclass(slots=True)
class _Context:
    """What every figure of a document is read against, indexed once, so that a document
    of a million characters costs time in proportion to its length."""

    text: str  # doc.text, which spaCy rebuilds from the tokens on every access
    sentence: list[int]  # token index -> index of its sentence's first token
    dates: list[Span]  # the DATE entities that state a period, in order
    date_starts: list[int]
    named: dict[int, str]  # token index -> the entity a mention there names
    quotes: list[Quote]  # with a speaker, by start
    open_quotes: list[Quote] = field(default_factory=list)
    next_quote: int = 0

    @classmethod
    def of(cls, doc: Doc, entities: Sequence[Entity], quotes: Sequence[Quote]) -> _Context:
        sentence = [0] * len(doc)
        for sent in doc.sents:
            sentence[sent.start : sent.end] = [sent.start] * len(sent)
        dates = [e for e in doc.ents if e.label_ == "DATE" and _is_period(e)]
        named: dict[int, str] = {}
        for entity in entities:
            for start, end in entity.mentions:
                span = doc.char_span(start, end, alignment_mode="expand")
                for token in span if span is not None else ():
                    named.setdefault(token.i, entity.name)
        spoken = sorted((q for q in quotes if q.speaker), key=lambda q: q.start)
        return cls(doc.text, sentence, dates, [d.start for d in dates], named, spoken)

    def speaker_around(self, start: int, end: int) -> str | None:
        """The speaker of the innermost quote holding ``[start, end)``; figures are asked
        for in text order, so quotes that ended before one can be forgotten."""
        while self.next_quote < len(self.quotes) and self.quotes[self.next_quote].start <= start:
            self.open_quotes.append(self.quotes[self.next_quote])
            self.next_quote += 1
        self.open_quotes = [q for q in self.open_quotes if q.end >= end]
        return self.open_quotes[-1].speaker if self.open_quotes else None


def parse_number(value: str) -> float | None:
    """The number a figure states: "1,550" -> 1550.0, "$1.2 billion" -> 1.2e9, "40%" ->
    40.0, "two" -> 2.0, "half a million" -> 500000.0; None when it states none exactly
    ("dozens", "thousands")."""
    words = value.replace(",", "").replace("%", " ").casefold().split()
    words = [w.lstrip("".join(_CURRENCIES)).replace("us$", "") for w in words]
    total: float | None = None
    factor = 1.0
    for word in filter(None, words):
        if word in ("half", "a", "an"):
            factor = 0.5 if word == "half" else factor
            continue
        amount = _word_value(word)
        if amount is not None:
            total = amount if total is None else total + amount
        elif word in _SCALES and total is not None:
            total *= _SCALES[word]
        elif word in _SCALES and factor != 1.0:
            total = _SCALES[word]
        elif word not in ("percent", "per", "cent"):
            return None
    return None if total is None else total * factor


_SCALED = re.compile(r"(\d+(?:\.\d+)?)(bn|mn|m|k|tn)")


def _word_value(word: str) -> float | None:
    try:
        return float(word)
    except ValueError:
        pass
    scaled = _SCALED.fullmatch(word)  # "4.5bn"
    if scaled:
        return float(scaled[1]) * _SCALES[scaled[2]]
    if "-" in word:  # "twenty-five"
        parts = [_WORDS.get(p) for p in word.split("-")]
        return sum(p for p in parts if p is not None) if None not in parts else None
    return _WORDS.get(word) if word not in ("a", "an") else None


# -- candidates ------------------------------------------------------------------------------


def _candidates(doc: Doc) -> Iterator[Span]:
    """Number entities, and numbers the model left untagged that count a noun."""
    for ent in doc.ents:
        if ent.label_ in _NUMBER_LABELS:
            yield ent
    for token in doc:
        digits = token.like_num and any(c.isdigit() for c in token.text)
        counting = token.dep_ == "nummod" and token.head.pos_ == "NOUN"
        if not token.ent_type_ and digits and counting:
            yield doc[token.i : token.i + 1]


def _figure(doc: Doc, ent: Span, context: _Context) -> Figure | None:
    value_span = _value_span(ent)
    if value_span is None or _is_not_a_figure(doc, value_span, context.text):
        return None
    counts = _counts(doc, ent, value_span)
    value = value_span.text
    number = parse_number(value)
    if not any(c.isdigit() for c in value) and (
        counts is None or _after_determiner(doc, value_span)
    ):
        return None  # "one of the most notorious", "thousands" alone, "the two sides"
    if counts is None and value_span.start > 0 and doc[value_span.start - 1].pos_ == "PROPN":
        return None  # "Russia 1", "Formula 1"
    if _YEAR.fullmatch(value) and not (counts and _plural_head(ent)):
        return None
    return Figure(
        value=value,
        number=number,
        counts=counts,
        start=value_span.start_char,
        end=value_span.end_char,
        period=_period(doc, ent, context),
        claimed_by=_claimed_by(value_span, context),
    )


def _value_span(ent: Span) -> Span | None:
    """The number as printed, without "at least" or "more than" in front and without the
    unit or currency word after it: "$1.2 billion", "40%", "62", "half a million"."""
    tokens = list(ent)
    first = next((i for i, t in enumerate(tokens) if _is_number_part(t, start=True)), None)
    if first is None:
        return None
    last = first
    for i in range(first + 1, len(tokens)):
        if not _is_number_part(tokens[i], start=False):
            break
        if tokens[i].lower_ != "a" and tokens[i].tag_ != "HYPH":
            last = i  # "half a million", not "$1.2 billion a"
    return ent[first : last + 1]


def _is_number_part(token: Token, *, start: bool) -> bool:
    text = token.lower_
    if token.like_num or text in _SCALES or text in _CURRENCIES or token.text in _CURRENCIES:
        return True
    if start:
        return text == "half"
    return text in ("%", "percent", "a") or token.tag_ == "HYPH"


def _is_not_a_figure(doc: Doc, value: Span, text: str) -> bool:
    printed = value.text
    if ":" in printed or _ORDINAL.fullmatch(printed) or printed.casefold() in ("one", "a"):
        return True
    before = doc[value.start - 1] if value.start > 0 else None
    if before is not None and (before.lower_ in _REFERENCE_WORDS or before.text == "#"):
        return True
    return _is_phone_number(text, value.start_char, value.end_char)


def _is_phone_number(text: str, start: int, end: int) -> bool:
    """ "555-123-4567", "+7 495 123 45 67": digits in groups, no thousands comma."""
    lo, hi = max(0, start - 12), min(len(text), end + 12)
    for match in _PHONE.finditer(text, lo, hi):
        if match.start() <= start and end <= match.end():
            digits = sum(c.isdigit() for c in match.group())
            return digits >= 7 and "," not in match.group()
    return False


# -- what a figure counts --------------------------------------------------------------------


def _counts(doc: Doc, ent: Span, value: Span) -> str | None:
    """The noun phrase the number modifies ("civilian casualties"), the noun after "of"
    ("Dozens of people", "40% of Jews"), the unit ("cm") or the currency ("dollars")."""
    anchor = value[-1]
    if ent.label_ == "QUANTITY" and value.end < ent.end:
        return _clean_text(doc[value.end : ent.end])
    if value.end < ent.end and ent.label_ == "MONEY":
        return _clean_text(doc[value.end : ent.end])
    head = anchor.head
    in_value = value.start <= head.i < value.end
    modifies = anchor.dep_ in ("nummod", "quantmod", "compound", "amod", "nmod")
    near = value.end <= head.i < value.end + _MAX_COUNTS_TOKENS
    if modifies and near and not in_value and head.pos_ in ("NOUN", "PROPN"):
        return _clean_text(doc[max(value.end, ent.end) : head.i + 1])
    of_phrase = _of_phrase(anchor)
    if of_phrase is not None:
        return of_phrase
    if ent.label_ == "MONEY":
        return next((_CURRENCIES[t.text] for t in value if t.text in _CURRENCIES), None)
    return None


def _of_phrase(anchor: Token) -> str | None:
    for child in anchor.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                obj = objects[0]
                left = min((c.i for c in obj.lefts if c.dep_ in ("compound", "amod")),
                           default=obj.i)  # fmt: skip
                return _clean_text(anchor.doc[left : obj.i + 1])
    return None


def _clean_text(span: Span) -> str | None:
    tokens = [t for t in span if t.pos_ not in ("DET", "PUNCT") and t.lower_ != "own"]
    text = " ".join(t.text for t in tokens if t.tag_ != "PRP$")
    return text or None


def _after_determiner(doc: Doc, value: Span) -> bool:
    return value.start > 0 and doc[value.start - 1].lower_ in ("the", "these", "those", "its")


def _plural_head(ent: Span) -> bool:
    return ent.root.head.tag_ in ("NNS", "NNPS")


# -- when ------------------------------------------------------------------------------------


# how far from a figure its date may stand, in tokens
_PERIOD_WINDOW = 40


def _period(doc: Doc, ent: Span, context: _Context) -> str | None:
    """The date or period of the figure's clause nearest to it, with the preposition that
    introduces it ("since February 2022", "in 2025", "last year"); a date in another
    clause ("the treaty, extended in 2021, caps warheads at 1,550") is not the figure's."""
    governing = set(_ancestors(ent.root))
    sentence = context.sentence[ent.start]
    lo = bisect.bisect_left(context.date_starts, ent.start - _PERIOD_WINDOW)
    hi = bisect.bisect_right(context.date_starts, ent.end + _PERIOD_WINDOW)
    best: tuple[int, Span] | None = None
    for date in context.dates[lo:hi]:
        if context.sentence[date.start] != sentence or not _same_clause(date, governing):
            continue
        if date.start < ent.end and ent.start < date.end:
            continue
        first, last = sorted((date.start_char, ent.start_char))
        if "\n" in context.text[first:last]:
            continue  # another paragraph
        distance = date.start - ent.end if date.start >= ent.end else ent.start - date.end
        if best is None or distance < best[0]:
            best = (distance, date)
    if best is None:
        return None
    date = best[1]
    start = date.start
    if start > sentence and doc[start - 1].lower_ in _PERIOD_PREPOSITIONS:
        start -= 1
    return " ".join(doc[start : date.end].text.split())


def _same_clause(date: Span, governing: set[Token]) -> bool:
    """True when the date hangs on a word that governs the figure, or on a verb that
    modifies one ("the record of 57 cm set in 1956")."""
    verb = next((t for t in _ancestors(date.root) if t.pos_ in ("VERB", "AUX")), None)
    if verb is None:
        return bool(governing.intersection(_ancestors(date.root)))
    return verb in governing or (verb.dep_ in ("acl", "relcl") and verb.head in governing)


def _is_period(date: Span) -> bool:
    if len(date) == 1 and date.root.pos_ in ("ADJ", "ADV"):
        return False  # "annual", "daily", "week-long"
    return _TIME_WORDS.search(date.text) is not None


# -- who says so -----------------------------------------------------------------------------


def _claimed_by(value: Span, context: _Context) -> str | None:
    """The speaker of the quote the figure sits in, else the subject of a reporting verb
    it depends on ("the UN said", "according to the International Crisis Group")."""
    speaker = context.speaker_around(value.start_char, value.end_char)
    if speaker is not None:
        return speaker
    via = value.root
    for ancestor in _ancestors(value.root):
        source = _source_of(ancestor, via)
        if source is not None:
            return _named_by(source, context)
        via = ancestor
    return None


def _named_by(source: Token, context: _Context) -> str | None:
    """The entity a source phrase names: its head word's, else the first one inside it
    ("Russian Ambassador-at-Large Rodion Miroshnik"), never one of a clause inside it
    ("the official who met Putin")."""
    for token in _phrase_tokens(source):
        if token.i in context.named:
            return context.named[token.i]
    return None


def _phrase_tokens(head: Token) -> Iterator[Token]:
    yield head
    for child in head.children:
        if child.dep_ not in ("relcl", "acl", "advcl", "punct", "cc", "conj"):
            yield from _phrase_tokens(child)


def _ancestors(token: Token) -> Iterator[Token]:
    yield token
    yield from token.ancestors


def _source_of(token: Token, via: Token) -> Token | None:
    """Who the clause headed by ``token`` is attributed to, if it says: "according to X",
    or the subject of a reporting verb whose reported clause (``via``'s) holds the
    figure ("X said 300 drones ...", not "X pledged $1.2 billion")."""
    for child in token.children:
        if child.dep_ == "prep" and is_according_to(child):
            for to in child.children:
                pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
                if pobj is not None:
                    return pobj
    if cue_lemma(token) is not None and via.dep_ in ("ccomp", "parataxis"):
        subject = next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None and subject.dep_ == "nsubj":
            return subject
    return None
