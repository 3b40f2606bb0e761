"""Who a quotation's source is: a name, a pronoun or a description resolved to an entity
of the same article, with the role the article gives it; None when it cannot be told."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from newsarchive.model import Entity

PERSON = "PERSON"
GROUPS = frozenset({"ORG", "NORP"})
SPEAKER_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
SUBJECTS = frozenset({"nsubj", "nsubjpass"})

# a description's head noun -> the role words that make an entity fit it
_PERSON_ROLES: dict[str, frozenset[str]] = {
    "diplomat": frozenset({"diplomat", "ambassador", "envoy", "foreign minister",
                           "foreign ministry"}),
    "ambassador": frozenset({"ambassador", "envoy"}),
    "envoy": frozenset({"envoy", "ambassador"}),
    "spokesman": frozenset({"spokesman", "spokeswoman", "spokesperson", "press secretary"}),
    "spokeswoman": frozenset({"spokeswoman", "spokesman", "spokesperson", "press secretary"}),
    "spokesperson": frozenset({"spokesperson", "spokesman", "spokeswoman", "press secretary"}),
    "president": frozenset({"president"}),
    "minister": frozenset({"minister"}),
    "aide": frozenset({"aide", "adviser", "advisor"}),
    "adviser": frozenset({"adviser", "advisor", "aide"}),
    "leader": frozenset({"leader", "president", "prime minister", "head of state"}),
    "official": frozenset({"official", "minister", "spokesman", "spokeswoman", "aide", "envoy",
                           "ambassador", "commissioner", "secretary", "deputy"}),
    "chief": frozenset({"chief", "head", "secretary-general", "director"}),
    "head": frozenset({"head", "chief", "director"}),
    "commissioner": frozenset({"commissioner", "ombudsman"}),
    "ombudsman": frozenset({"commissioner", "ombudsman"}),
    "mayor": frozenset({"mayor"}),
    "secretary": frozenset({"secretary"}),
    "chancellor": frozenset({"chancellor"}),
    "premier": frozenset({"premier", "prime minister"}),
    "senator": frozenset({"senator"}),
    "governor": frozenset({"governor"}),
    "lawmaker": frozenset({"lawmaker", "deputy", "mp", "member"}),
    "general": frozenset({"general", "commander"}),
    "commander": frozenset({"commander", "general"}),
    "editor": frozenset({"editor"}),
}  # fmt: skip
# a description's head noun -> words of an organisation's name that make it fit
_ORG_ROLES: dict[str, frozenset[str]] = {
    "agency": frozenset({"agency", "service", "fsb", "tass", "ria", "reuters", "interfax", "afp"}),
    "service": frozenset({"service", "agency", "fsb"}),
    "ministry": frozenset({"ministry", "department"}),
    "department": frozenset({"department", "ministry"}),
    "embassy": frozenset({"embassy", "mission"}),
    "mission": frozenset({"mission", "embassy"}),
    "committee": frozenset({"committee", "commission"}),
    "commission": frozenset({"commission", "committee"}),
    "office": frozenset({"office"}),
    "government": frozenset({"government", "cabinet"}),
    "company": frozenset({"company", "firm", "corporation", "inc"}),
    "newspaper": frozenset({"newspaper", "times", "post", "journal", "zeitung", "gazette"}),
    "outlet": frozenset({"outlet", "newspaper", "times", "post", "journal", "tv", "news"}),
    "organization": frozenset({"organization", "organisation"}),
    "body": frozenset({"body", "council", "assembly", "un", "secretariat"}),
    "court": frozenset({"court"}),
    "party": frozenset({"party"}),
    "military": frozenset({"military", "army", "forces", "ministry of defense"}),
    "army": frozenset({"army", "military", "forces"}),
    "center": frozenset({"center", "centre"}),
    "observatory": frozenset({"observatory"}),
}  # fmt: skip
# the speaker's own words, standing for whoever was quoted last
_UTTERANCES = frozenset({"statement", "report", "communique", "release", "post", "message"})
_GROUP_ROLES: dict[str, frozenset[str]] = {
    "diplomats": frozenset({"embassy", "mission", "ministry"}),
}
_LONGEST_NAME = 200  # characters
_DESCRIPTION_REACH = 20_000  # characters back where a description's referent is looked for
_FEMALE, _MALE = frozenset({"she", "her"}), frozenset({"he", "him"})
_PRONOUNS = frozenset({"PRP"})
_NOUNS = frozenset({"NN", "NNS"})
_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "its", "his", "her", "their"})


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str | None
    role: str | None


@dataclass(frozen=True, slots=True)
class _Mention:
    """A place where an entity is named (or was resolved as a speaker)."""

    start: int
    entity: Entity
    subject: bool  # the subject of a clause
    main: bool  # the subject of a sentence's main clause


class SpeakerResolver:
    """Resolves sources of one article, in text order (pronouns look back)."""

    def __init__(
        self, doc: Doc, entities: Sequence[Entity], quoted: Sequence[tuple[int, int]]
    ) -> None:
        self.doc = doc
        self.entities = tuple(e for e in entities if e.label in SPEAKER_LABELS)
        self.roles = _roles(doc, self.entities)
        self.mentions = sorted(_mentions(doc, self.entities, quoted), key=lambda m: m.start)
        self.starts = [m.start for m in self.mentions]
        self.spans = sorted(
            (s, e, n) for n, ent in enumerate(self.entities) for s, e in ent.mentions
        )
        self.span_starts = [s for s, _, _ in self.spans]
        self.spoken: list[_Mention] = []  # resolved speakers, at their sources

    def resolve(self, source: Span) -> Speaker:
        """The speaker named by ``source`` (the subject at a cue), resolved from there."""
        head = source.root
        found = self._named(source, head)
        role: str | None = None
        if found is not None:
            names = [(s, e) for s, e, n in self._spans_in(source) if self.entities[n] is found]
            role = _stated_role(source, names)
        elif head.tag_ in _PRONOUNS:
            found = self._pronoun(head.lower_, source.start_char)
        elif head.tag_ in _NOUNS:
            found = self._described(source, head)
            # what the article called the person before ("the diplomat": an ambassador)
            role = _stated_role(source, []) if found and found.label == PERSON else None
            role = (found.role if found else None) or role
        if found is None:
            return Speaker(None, None)
        self.spoken.append(_Mention(source.start_char, found, True, True))
        return Speaker(found.name, _no_possessor(role) or _no_possessor(found.role))

    def resolve_label(self, name: Span) -> Speaker:
        """The speaker of a transcript label or a signature ("PENCE", "Edwin G. Monroy"):
        the one person or organisation whose full name ends with the label's last word (any
        case), else an entity named there."""
        last = name[-1].text.casefold()
        fits = {
            e.name: e for e in self.entities
            if e.label in {PERSON, "ORG"} and " " in e.name
            and e.name.split()[-1].casefold() == last
        }  # fmt: skip
        found = next(iter(fits.values())) if len(fits) == 1 else self._named(name, name[-1])
        if found is None:
            return Speaker(None, None)
        self.spoken.append(_Mention(name.start_char, found, True, True))
        return Speaker(found.name, _no_possessor(found.role))

    def _named(self, source: Span, head: Token) -> Entity | None:
        """The entity named at the source's head ("Peskov"), else the one its head stands
        with ("Foreign Ministry spokeswoman Maria Zakharova"), never a possessor
        ("Putin's top aide ...") or a mere modifier ("Moscow officials")."""
        hits = self._overlapping(head.idx, head.idx + len(head))
        if hits or head.tag_ not in {"NNP", "NNPS", "NN"}:
            return hits[0] if hits else None
        labels = SPEAKER_LABELS if head.tag_ != "NN" else frozenset({PERSON})
        doc = source.doc
        best: tuple[int, Entity] | None = None
        for start, end, n in self._spans_in(source):
            entity = self.entities[n]
            if end <= source.end_char and entity.label in labels:
                after = doc.char_span(end, end + 2, alignment_mode="expand")
                if after is not None and len(after) and after[0].dep_ == "case":
                    continue
                rank = (entity.label == PERSON, start)
                if best is None or rank > (best[1].label == PERSON, best[0]):
                    best = (start, entity)
        return best[1] if best else None

    def _spans_in(self, source: Span) -> list[tuple[int, int, int]]:
        first = bisect.bisect_left(self.span_starts, source.start_char)
        last = bisect.bisect_left(self.span_starts, source.end_char)
        return self.spans[first:last]

    def _overlapping(self, start: int, end: int) -> list[Entity]:
        """Entities named in ``[start, end)`` (mentions are short: look a little back)."""
        first = bisect.bisect_left(self.span_starts, start - _LONGEST_NAME)
        last = bisect.bisect_left(self.span_starts, end)
        found = dict.fromkeys(n for s, e, n in self.spans[first:last] if s < end and start < e)
        return [self.entities[n] for n in found]

    def _window(self, lo: int, hi: int) -> list[_Mention]:
        """Mentions starting in ``[lo, hi)``, and speakers resolved there."""
        first, last = bisect.bisect_left(self.starts, lo), bisect.bisect_left(self.starts, hi)
        return self.mentions[first:last] + [m for m in self.spoken[-50:] if lo <= m.start < hi]

    def _pronoun(self, text: str, at: int) -> Entity | None:
        if text in _MALE or text in _FEMALE:
            labels: frozenset[str] = frozenset({PERSON})
        elif text == "it":
            labels = frozenset({"ORG"})
        elif text == "they":
            labels = GROUPS
        else:
            return None
        return self._recent(labels, at)

    def _recent(self, labels: frozenset[str], at: int) -> Entity | None:
        """The nearest subject of that kind, sentence by sentence back (a main clause's
        subject first), else the nearest mention of that kind in the last two sentences."""
        floors = [self._sentence_floor(at, back) for back in range(4)]
        best: tuple[tuple[bool, int, int, int], Entity] | None = None
        for mention in self._window(floors[-1], at):
            if mention.entity.label not in labels:
                continue
            distance = next(n for n, floor in enumerate(floors) if mention.start >= floor)
            tier = 0 if mention.main else 1 if mention.subject else 2
            if tier == 2 and distance > 2:
                continue
            rank = (tier == 2, distance, tier, -mention.start)
            if best is None or rank < best[0]:
                best = (rank, mention.entity)
        return best[1] if best is not None else None

    def _sentence_floor(self, at: int, back: int) -> int:
        token = self.doc.char_span(at, at + 1, alignment_mode="expand")
        if token is None or not len(token):
            return 0
        sent = token[0].sent
        for _ in range(back):
            if sent.start == 0:
                return 0
            sent = self.doc[sent.start - 1].sent
        return sent.start_char

    def _described(self, source: Span, head: Token) -> Entity | None:
        word = head.lower_
        if word in _UTTERANCES:
            return self.spoken[-1].entity if self.spoken else None
        if head.tag_ in {"NNS", "NNPS"}:
            fits, org_fits = None, _GROUP_ROLES.get(word)  # "the diplomats": their embassy
        else:
            fits, org_fits = _PERSON_ROLES.get(word), _ORG_ROLES.get(word)
        if fits is None and org_fits is None:
            return None
        modifiers = [t.lower_ for t in source if t.i != head.i and t.lower_ not in _DETERMINERS]
        before = source.start_char
        if _in_lead(source):
            before = len(source.doc.text)  # a headline names whom the article introduces
        best: tuple[int, int, Entity] | None = None
        for mention in self._window(max(0, before - _DESCRIPTION_REACH), before):
            entity = mention.entity
            if fits is not None and entity.label == PERSON:
                words = self.roles.get(entity.name, "")
            elif org_fits is not None and entity.label in GROUPS:
                words = f"{entity.name.lower()} {self.roles.get(entity.name, '')}"
            else:
                continue
            if not any(_has_word(words, w) for w in fits or org_fits or ()):
                continue
            score = sum(_has_word(f"{words} {entity.name.lower()}", m[:5]) for m in modifiers)
            recency = mention.start if mention.start < source.start_char else -mention.start
            if best is None or (score, recency) > best[:2]:
                best = (score, recency, entity)
        if best is not None:
            return best[2]
        if fits is None:
            return None
        # "the minister" with no minister named: whoever was last quoted, if a person
        recent = [m for m in self.spoken if m.start < before and m.entity.label == PERSON]
        return recent[-1].entity if recent else None


def _no_possessor(role: str | None) -> str | None:
    """A role that is only a possessor ("Ukraine’s" of "Ukraine’s Vladimir Zelensky") is none."""
    return None if role is None or role.endswith(("’s", "'s", "’", "'")) else role


def _in_lead(source: Span) -> bool:
    """The source is in the article's first two paragraphs (its title and summary)."""
    return source.doc.text.count("\n\n", 0, source.start_char) < 2


def _has_word(text: str, word: str) -> bool:
    return f" {word}" in f" {text}"


def _mentions(
    doc: Doc, entities: Sequence[Entity], quoted: Sequence[tuple[int, int]]
) -> list[_Mention]:
    """Every mention outside quotation marks, and whether it is a clause's subject."""
    out: list[_Mention] = []
    for entity in entities:
        for start, end in entity.mentions:
            if any(qs <= start < qe for qs, qe in quoted):
                continue
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or not len(span):
                continue
            subject = _subject_of(span.root)
            main = subject is not None and _is_main(subject)
            out.append(_Mention(start, entity, subject is not None, main))
    return out


def _subject_of(token: Token) -> Token | None:
    """The verb ``token`` is the subject of (through appositions and titles), if any."""
    while token.dep_ in {"appos", "compound"} and token.head is not token:
        token = token.head
    return token.head if token.dep_ in SUBJECTS else None


def _is_main(verb: Token) -> bool:
    while verb.dep_ == "conj" and verb.head is not verb:
        verb = verb.head
    return verb.dep_ == "ROOT"


def _roles(doc: Doc, entities: Sequence[Entity]) -> dict[str, str]:
    """What the article calls each person or organisation, as lowercase words:
    "Kremlin spokesman Dmitry Peskov", "Leonid Slutsky, the head of ..."."""
    roles: dict[str, str] = {}
    for entity in entities:
        words = [entity.role or ""]
        for start, end in entity.mentions:
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None and len(span):
                words.append(_role_words(span))
        roles[entity.name] = " ".join(w for w in words if w).lower()
    return roles


def _role_words(span: Span) -> str:
    """The title before a name ("Kremlin spokesman") and its apposition ("the head of X")."""
    root = span.root
    left = [t for t in root.subtree if t.i < span.start and t.dep_ != "punct"]
    appos = [t for c in root.children if c.dep_ == "appos" for t in c.subtree]
    if root.dep_ == "appos":
        appos += [t for t in root.head.subtree if t.i < root.head.i or t.i == root.head.i]
    return " ".join(t.text for t in left + appos)


def _stated_role(source: Span, names: Sequence[tuple[int, int]]) -> str | None:
    """The role written at the cue: the words of the source besides the name, minus
    determiners ("Kremlin spokesman" of "Kremlin spokesman Dmitry Peskov")."""
    if any(c.dep_ == "conj" for c in source.root.children):
        return None
    inside = {t.i for s, e in names for t in source if s <= t.idx < e}
    words = [t for t in source if t.i not in inside]
    while words and (
        words[0].lower_ in _DETERMINERS or words[0].dep_ == "case" or _loose(words[0])
    ):
        words.pop(0)
    while words and (words[-1].lower_ in _DETERMINERS or _loose(words[-1])):
        words.pop()
    if any(t.text == "," for t in words[:1]):
        return None
    text = "".join(t.text_with_ws for t in words).strip()
    return " ".join(text.split()) or None


def _loose(token: Token) -> bool:
    """Punctuation at a role's edge (a hyphen inside "Ambassador-at-Large" stays)."""
    return token.is_punct or token.is_space
