"""The metrics of the extraction benchmarks, written from the evaluation sets' own rules.

- Body text on aeb (and fundus): the scrapinghub article-extraction-benchmark metric, token
  4-gram shingles, per-document TP/FP/FN normalised to sum to 1, precision and recall
  averaged over documents, F1 of the averages, accuracy = identical token lists.
- Body text on the trafilatura set: "with" snippets that must appear and "without" snippets
  that must not, counted over all documents (micro).
- Metadata on fundus: title, authors, publishing date, captions and photo credits, each
  compared after a normalisation that ignores case, spacing, quote style and accents.
"""

from __future__ import annotations

import random
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

# ------------------------------------------------------------------ aeb: 4-gram shingles

TOKEN = re.compile(r"\w+")


def tokens(text: str | None) -> list[str]:
    return TOKEN.findall(text or "")


def shingles(text: str | None, n: int = 4) -> Counter[tuple[str, ...]]:
    """The token n-grams of ``text`` as a multiset; fewer than ``n`` tokens make one shingle,
    no token at all makes none."""
    words = tokens(text)
    if len(words) < n:
        return Counter([tuple(words)] if words else [])
    return Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


@dataclass(frozen=True, slots=True)
class Match:
    """One document's shingle counts, normalised so that tp + fp + fn == 1 (or all 0), and
    whether its token lists are identical."""

    tp: float
    fp: float
    fn: float
    exact: bool


def match_body(expected: str | None, got: str | None) -> Match:
    truth, pred = shingles(expected), shingles(got)
    tp = sum((truth & pred).values())
    fp = sum((pred - truth).values())
    fn = sum((truth - pred).values())
    total = tp + fp + fn
    scale = 1 / total if total else 0.0
    return Match(tp * scale, fp * scale, fn * scale, tokens(expected) == tokens(got))


def doc_precision(m: Match) -> float:
    if m.fp == m.fn == 0:
        return 1.0
    return m.tp / (m.tp + m.fp) if m.tp + m.fp else 0.0


def doc_recall(m: Match) -> float:
    if m.fp == m.fn == 0:
        return 1.0
    return m.tp / (m.tp + m.fn) if m.tp + m.fn else 0.0


@dataclass(frozen=True, slots=True)
class BodyScore:
    """Averaged over documents; ``*_std`` are bootstrap standard deviations (0 when not
    computed)."""

    f1: float
    precision: float
    recall: float
    accuracy: float
    docs: int
    f1_std: float = 0.0
    precision_std: float = 0.0
    recall_std: float = 0.0
    accuracy_std: float = 0.0


def _mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else 0.0


def _averages(matches: Sequence[Match]) -> tuple[float, float, float, float]:
    """F1, precision, recall, accuracy: precision over documents with a prediction
    (tp + fp > 0), recall over documents with a truth (tp + fn > 0)."""
    precision = _mean([doc_precision(m) for m in matches if m.tp + m.fp > 0])
    recall = _mean([doc_recall(m) for m in matches if m.tp + m.fn > 0])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, precision, recall, _mean([float(m.exact) for m in matches])


def score_bodies(matches: Sequence[Match], bootstrap: int = 0, seed: int = 1) -> BodyScore:
    """The benchmark's figures, with ``bootstrap`` resamples for the ± (0: none)."""
    f1, precision, recall, accuracy = _averages(matches)
    if bootstrap < 2 or len(matches) < 2:
        return BodyScore(f1, precision, recall, accuracy, len(matches))
    rng = random.Random(seed)
    samples = [
        _averages([matches[rng.randrange(len(matches))] for _ in matches]) for _ in range(bootstrap)
    ]
    f1s, ps, rs, accs = (statistics.stdev(column) for column in zip(*samples, strict=True))
    return BodyScore(f1, precision, recall, accuracy, len(matches), f1s, ps, rs, accs)


# ------------------------------------------------------- trafilatura: with/without snippets

SPACE = re.compile(r"\s+")


def squash(text: str | None) -> str:
    return SPACE.sub(" ", text or "").strip()


@dataclass(frozen=True, slots=True)
class SnippetCounts:
    """ "with" snippets found (tp) or missed (fn), "without" snippets found (fp) or not (tn)."""

    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def __add__(self, other: SnippetCounts) -> SnippetCounts:
        return SnippetCounts(
            self.tp + other.tp, self.fn + other.fn, self.fp + other.fp, self.tn + other.tn
        )

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fn + self.fp + self.tn
        return (self.tp + self.tn) / total if total else 0.0

    @property
    def f1(self) -> float:
        wrong = self.fp + self.fn
        return 2 * self.tp / (2 * self.tp + wrong) if self.tp or wrong else 0.0


def count_snippets(
    output: str | None, with_: Iterable[str], without: Iterable[str]
) -> SnippetCounts:
    """Substring tests on whitespace-squashed text; no output counts as the empty string."""
    text = squash(output)
    found = [squash(s) in text for s in with_]
    leaked = [squash(s) in text for s in without]
    return SnippetCounts(
        tp=sum(found), fn=len(found) - sum(found), fp=sum(leaked), tn=len(leaked) - sum(leaked)
    )


def total_snippets(counts: Iterable[SnippetCounts]) -> SnippetCounts:
    return sum(counts, SnippetCounts())


# -------------------------------------------------------------------- fundus: metadata

QUOTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
        "\u00b4": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
        "\u00ab": '"', "\u00bb": '"', "\u2039": "'", "\u203a": "'", "\u2033": '"',
        "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " ", "\u00ad": "",
        "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "",
    }
)  # fmt: skip


def normalise(text: str | None) -> str:
    """Case, spacing, quote and dash style, accents (NFKD without marks) and invisible
    characters (soft hyphens, zero-width spaces) ignored."""
    text = unicodedata.normalize("NFKD", (text or "").translate(QUOTES))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return squash(text.casefold())


def title_exact(expected: str | None, got: str | None) -> bool:
    return bool(normalise(expected)) and normalise(expected) == normalise(got)


def title_contained(expected: str | None, got: str | None) -> bool:
    """Either title contains the other ("Title | Site" or a shortened title)."""
    want, have = normalise(expected), normalise(got)
    return bool(want and have) and (want in have or have in want)


BYLINE = re.compile(r"^(by|von|par|por|di|door|av|af|przez|от)\s+", re.IGNORECASE)


def normalise_name(name: str) -> str:
    """A person's name as compared: normalised, a leading "By" dropped, punctuation gone."""
    text = BYLINE.sub("", normalise(name))
    return " ".join(tokens(text))


def author_f1(expected: Sequence[str], got: Sequence[str]) -> float:
    """Set F1 of normalised names; no author expected and none given is a full score."""
    want = {normalise_name(a) for a in expected} - {""}
    have = {normalise_name(a) for a in got} - {""}
    if not want and not have:
        return 1.0
    hits = len(want & have)
    return 2 * hits / (len(want) + len(have))


def parse_when(text: str | None) -> datetime | None:
    """An ISO 8601 date or date-time (``T`` or space separated, ``Z`` allowed)."""
    if not text:
        return None
    value = text.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def has_time(text: str | None) -> bool:
    """Whether the string states a time of day. A bare date does not, nor a midnight with
    no offset ("2023-04-28 00:00:00"), which is how a date alone is often written."""
    when = parse_when(text)
    if when is None or len((text or "").strip()) <= 10:
        return False
    return when.tzinfo is not None or (when.hour, when.minute, when.second) != (0, 0, 0)


def same_day(expected: str | None, got: str | None) -> bool:
    """The same calendar day as written (each in its own offset), or the same UTC day when
    both state a time and an offset."""
    want, have = parse_when(expected), parse_when(got)
    if want is None or have is None:
        return False
    if want.date() == have.date():
        return True
    if has_time(expected) and has_time(got) and want.tzinfo and have.tzinfo:
        return want.astimezone(UTC).date() == have.astimezone(UTC).date()
    return False


def same_minute(expected: str | None, got: str | None) -> bool | None:
    """The same minute (instants when both have an offset, else wall clock); None when
    either states no time, so the pair is not counted."""
    if not (has_time(expected) and has_time(got)):
        return None
    want, have = parse_when(expected), parse_when(got)
    if want is None or have is None:
        return None
    if want.tzinfo is not None and have.tzinfo is not None:
        want, have = want.astimezone(UTC), have.astimezone(UTC)
    return _minute(want) == _minute(have)


def _minute(when: datetime) -> datetime:
    return when.replace(second=0, microsecond=0, tzinfo=None)


def text_matches(expected: str, got: str) -> bool:
    """A caption found: ours contains the expected text, or is at least 80% of it."""
    want, have = normalise(expected), normalise(got)
    if not want or not have:
        return False
    return want in have or (have in want and len(have) >= 0.8 * len(want))


CREDIT_LABEL = re.compile(
    r"^(?:photo(?:graph)? by|image by|pictures? by|(?:photo|image) credits?|©|\(c\)|copyright|"
    r"photo(?:graph)?s?|images?|pictures?|pics?|credits?|fotos?|bild(?:er)?|quelle|sources?|"
    r"crédits?)\s*[:/]?\s*",
    re.IGNORECASE,
)


def strip_credit_label(text: str) -> str:
    """ "Foto: X", "© X", "Photo by X" -> "X" (labels repeat, as in "Bild: © X")."""
    text = re.sub(r"\s*/\s*", "/", normalise(text))
    while (stripped := CREDIT_LABEL.sub("", text, count=1)) != text:
        text = stripped
    return text


@dataclass(frozen=True, slots=True)
class FoundCounts:
    """Expected strings found (of ``expected``), and our strings that match one (of ``ours``)."""

    found: int = 0
    expected: int = 0
    right: int = 0
    ours: int = 0

    def __add__(self, other: FoundCounts) -> FoundCounts:
        return FoundCounts(
            self.found + other.found,
            self.expected + other.expected,
            self.right + other.right,
            self.ours + other.ours,
        )

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 0.0

    @property
    def precision(self) -> float:
        return self.right / self.ours if self.ours else 0.0


def match_strings(expected: Sequence[str], ours: Sequence[Sequence[str]]) -> FoundCounts:
    """How many distinct expected strings one of ours matches (``text_matches``), and how
    many of ours match one of the expected. Each of ours may come in several forms (a
    caption alone, and with its credit appended): any form may match."""
    want = list(dict.fromkeys(s for s in expected if normalise(s)))
    have = list(dict.fromkeys(tuple(f for f in forms if normalise(f)) for forms in ours))
    have = [forms for forms in have if forms]

    def hit(w: str, forms: Sequence[str]) -> bool:
        return any(text_matches(w, f) for f in forms)

    found = sum(any(hit(w, forms) for forms in have) for w in want)
    right = sum(any(hit(w, forms) for w in want) for forms in have)
    return FoundCounts(found, len(want), right, len(have))


INLINE_LABEL = re.compile(
    r"(?:\b(?:photo(?:graph)?|image|picture|foto|bild|credit)s?(?: by)?\s*:|"
    r"\b(?:photo(?:graph)?|image|picture)s? by\b|©|\(c\))\s*",
    re.IGNORECASE,
)


def caption_key(text: str) -> str:
    """A caption as compared: normalised, credit labels ("Photo by", "Foto:", "©") dropped
    wherever they stand, no spaces around slashes."""
    text = INLINE_LABEL.sub(" ", normalise(text))
    return squash(re.sub(r"\s*/\s*", "/", text))


def match_captions(expected: Sequence[str], ours: Sequence[tuple[str, str | None]]) -> FoundCounts:
    """Captions given as (text, credit): a caption matches alone or with its credit
    appended (some sites, and Fundus, keep the credit in the caption), labels ignored."""
    forms = [
        (caption_key(text), caption_key(f"{text} {credit}")) if credit else (caption_key(text),)
        for text, credit in ours
    ]
    return match_strings([caption_key(c) for c in expected], forms)


def match_credits(expected: Sequence[str], ours: Sequence[str]) -> FoundCounts:
    """Credits compared without their labels ("Foto:", "©", "Photo by")."""
    return match_strings(
        [strip_credit_label(c) for c in expected], [(strip_credit_label(c),) for c in ours]
    )
