"""Cues: the words that introduce a quotation ("said", "claimed", "according to").

The pipeline runs without its lemmatizer (it is the slowest rule-based step and nothing
else needs it), so reporting verbs are recognised by their inflected forms here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Token

# lemma -> irregular forms (regular forms are derived below)
_IRREGULAR: dict[str, tuple[str, ...]] = {
    "say": ("said", "says", "saying"),
    "tell": ("told", "tells", "telling"),
    "write": ("wrote", "writes", "writing", "written"),
    "think": ("thought", "thinks", "thinking"),
    "find": ("found", "finds", "finding"),
    "speak": ("spoke", "speaks", "speaking", "spoken"),
    "feel": ("felt", "feels", "feeling"),
}

_REGULAR = (
    "claim", "warn", "allege", "insist", "note", "stress", "argue", "add", "state", "announce",
    "suggest", "accuse", "confirm", "explain", "report", "declare", "deny", "admit", "assert",
    "acknowledge", "emphasize", "emphasise", "reiterate", "recall", "remark", "reply", "respond",
    "answer", "comment", "conclude", "contend", "maintain", "predict", "promise", "pledge",
    "vow", "threaten", "urge", "call", "describe", "label", "blame", "complain", "estimate",
    "believe", "point", "observe", "caution", "concede", "boast", "tweet", "reveal",
    "disclose", "indicate", "signal", "dismiss", "mention", "show", "cite", "criticize",
    "criticise", "question", "demand", "propose", "know", "expect", "hope", "fear",
    "underline", "underscore", "assure", "inform", "testify", "recount", "lament", "wonder",
    "ask", "reaffirm", "affirm", "specify", "clarify",
)  # fmt: skip

# cues that report speech only with a clausal complement ("X asked for ...": not a quote)
# (without one they still introduce words in quotation marks: "“…,” she added")
CLAUSE_ONLY = frozenset({
    "point", "feel", "think", "believe", "ask", "wonder", "add", "comment", "declare",
    "maintain", "estimate", "answer", "reply", "respond", "explain", "speak", "write",
    "show", "find", "cite", "know", "expect", "hope", "fear", "question", "propose", "demand",
})  # fmt: skip
# cues that name what was said only through words in quotation marks
# ("X called the plan “a disaster”"; "X called for talks" is no quotation)
MARKS_ONLY = frozenset({"call", "describe", "label", "dismiss"})
# cues whose direct object is the addressee, not what was said ("told journalists")
ADDRESSEE = frozenset({"tell", "inform", "assure", "ask", "urge", "warn"})


def _regular_forms(lemma: str) -> tuple[str, ...]:
    stem = lemma[:-1] if lemma.endswith("e") else lemma
    third = lemma + ("es" if lemma.endswith(("s", "sh", "ch", "x", "z")) else "s")
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return (lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing")
    past = lemma + "d" if lemma.endswith("e") else lemma + "ed"
    if lemma in {"admit", "regret"}:
        past, stem = lemma + "ted", lemma + "t"
    return (lemma, third, past, stem + "ing")


def _forms() -> dict[str, str]:
    forms: dict[str, str] = {}
    for lemma in _REGULAR:
        for form in _regular_forms(lemma):
            forms.setdefault(form, lemma)
    for lemma, irregular in _IRREGULAR.items():
        for form in (lemma, *irregular):
            forms[form] = lemma
    return forms


CUE_FORMS: dict[str, str] = _forms()


def cue_lemma(token: Token) -> str | None:
    """The reporting verb's lemma when ``token`` is one ("claimed" -> "claim"), else None."""
    if not token.tag_.startswith("VB"):
        return None
    return CUE_FORMS.get(token.lower_)


def is_according_to(token: Token) -> bool:
    """``token`` is "according" of "according to X"."""
    return token.lower_ == "according" and any(c.lower_ == "to" for c in token.children)


def quoted_as_saying(token: Token) -> bool:
    """``token`` is "quoted" of "X was quoted as saying"."""
    return token.lower_ == "quoted" and any(
        c.lower_ == "as" and any(g.lower_ == "saying" for g in c.children) for c in token.children
    )


# -- layout cues: "PENCE: ..." (a transcript, a headline) and "“...” ― Name" (a signature) --

# a speaker's label: one to four capitalised words ("Pence", "Pat Caddell", "WALLACE")
_NAME = r"[A-Z][\w’'.-]*(?: [A-Z][\w’'.-]*){0,3}"
_LABEL = re.compile(rf"^[\"“]?(?P<name>{_NAME}): +(?P<content>\S.*\S)", re.MULTILINE)
_SIGNATURE = re.compile(
    rf"^(?P<content>\S.*\S) ?(?P<dash>[―—–]) ?(?P<name>{_NAME})\.? *$", re.MULTILINE
)
_NOT_SPEAKERS = frozenset({
    "update", "updated", "watch", "read", "photo", "photos", "video", "breaking", "exclusive",
    "note", "read more", "editor’s note", "editor's note", "related", "source", "sources",
    "see", "also",
    "q", "a", "pm", "am", "live", "opinion", "analysis", "correction", "warning",
})  # fmt: skip
_MIN_WORDS = 3


@dataclass(frozen=True, slots=True)
class LayoutCue:
    """A quotation attributed by layout: ``name`` says ``content`` (``[start, end)`` each)."""

    cue: str
    name: tuple[int, int]
    content: tuple[int, int]


def layout_cues(text: str) -> list[LayoutCue]:
    """Transcript and headline labels ("PENCE: Well, look, ...") and signatures
    ("“...” ― Edwin G. Monroy", "Putin will halt strikes on Kiev – Trump"), line by line."""
    found = [
        LayoutCue(":", m.span("name"), m.span("content"))
        for m in _LABEL.finditer(text)
        if _speaker_like(m.group("name")) and _prose(m.group("content"))
    ]
    for m in _SIGNATURE.finditer(text):
        start, end = m.span("content")
        label = _LABEL.match(text, start, end)
        if label is not None and not _speaker_like(label.group("name")):
            start = label.start("content")  # "READ MORE: Putin will halt strikes – Trump"
        if _speaker_like(m.group("name")) and _prose(text[start:end]):
            found.append(LayoutCue(m.group("dash"), m.span("name"), (start, end)))
    return sorted(found, key=lambda c: c.content)


def _speaker_like(name: str) -> bool:
    return name.casefold() not in _NOT_SPEAKERS and not any(c.isdigit() for c in name)


def _prose(content: str) -> bool:
    return len(content.split()) >= _MIN_WORDS
