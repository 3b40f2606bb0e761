"""People, organisations and places named in one article, each under one canonical name.

The model's named entities are the raw material; on top of them:

- a name is cleaned of what is not part of it: "the", a possessive ("Peskov's"), a courtesy
  title ("Mr Peskov"); a job title in front of it becomes the person's role;
- a surname (or a shorter form) joins the one full name of the article that ends with it,
  whatever the model called it ("Trump" tagged ORG, "Klitschko" tagged NORP), and a
  surname the model missed is found by looking for it;
- the gazetteer corrects the model's known confusions: a capital such as Kiev or Kyiv is a
  place, never a person; "Hydrometeorological Center" is an organisation, not a place;
- an acronym in brackets names the organisation before it: "the Federal Security Service
  (FSB)" and "the FSB" are one entity, called "FSB".

``canonical_name`` does the same joining across articles, for the store.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from newsarchive.enrich import gazetteer
from newsarchive.model import Entity

PERSON, ORG, GPE, LOC = "PERSON", "ORG", "GPE", "LOC"
_LABELS = {"PERSON": PERSON, "ORG": ORG, "GPE": GPE, "LOC": LOC, "FAC": LOC, "NORP": "NORP",
           "PRODUCT": "OTHER", "WORK_OF_ART": "OTHER", "EVENT": "OTHER"}  # fmt: skip
# titles that say nothing about a role ("Mr Peskov"): dropped from names and roles
_COURTESY = {"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "dr", "dr.", "sir", "dame",
             "madam", "madame", "monsieur", "herr", "frau", "prof", "prof."}  # fmt: skip
# titles that are a role when the model includes them in the name ("President Putin")
_TITLES = {"president", "vice", "prime", "minister", "secretary", "general", "senator",
           "governor", "mayor", "king", "queen", "prince", "princess", "pope", "chancellor",
           "ambassador", "spokesman", "spokeswoman", "spokesperson", "chairman", "judge",
           "gen.", "col.", "lt.", "sen.", "rep.", "gov.", "pres.", "colonel", "captain",
           "lieutenant", "commander", "marshal", "admiral", "sheikh", "emir", "patriarch",
           "metropolitan", "archbishop", "bishop", "cardinal", "father", "deputy"}  # fmt: skip
# the head word of an organisation's name, which the model sometimes tags as a place
_ORG_HEADS = {"ministry", "center", "centre", "embassy", "secretariat", "service", "agency",
              "council", "committee", "office", "party", "bank", "university", "court",
              "army", "group", "commission", "department", "institute", "parliament",
              "assembly", "company", "corporation", "fund", "forum", "organization",
              "organisation", "union", "federation", "administration", "government",
              "directorate", "headquarters", "command", "bureau", "authority", "police",
              "guard", "navy", "force", "forces", "association", "foundation", "society",
              "news", "times", "post", "network", "channel", "tv", "house"}  # fmt: skip
# institutions the model takes for people when they stand alone ("State Duma member")
_INSTITUTIONS = {"duma", "rada", "knesset", "bundestag", "kremlin", "pentagon", "congress",
                 "senate", "parliament", "majlis", "sejm", "storting", "riksdag"}  # fmt: skip
_POSSESSIVE = {"'s", "’s", "'", "’", "s"}
_ROLE_POS = {"PROPN", "NOUN", "ADJ", "PART"}
_MAX_NAME_WORDS = 8
_MAX_ROLE_TOKENS = 14


@dataclass(slots=True)
class _Mention:
    """A span naming something, cleaned, with the label it ends up with."""

    start: int  # token index
    end: int
    name: str
    label: str
    start_char: int
    end_char: int
    role: str | None = None
    from_model: str = ""  # the model's label, before corrections


@dataclass(slots=True)
class _Group:
    name: str
    label: str
    mentions: list[_Mention] = field(default_factory=list)


def find_entities(doc: Doc) -> tuple[Entity, ...]:
    """The people, organisations and places ``doc`` names, one entity each, in order of
    first mention; offsets index ``doc.text``."""
    mentions = [m for ent in doc.ents if (m := _clean(doc, ent)) is not None]
    mentions = _with_acronyms(doc, mentions)
    persons = _group_persons(mentions)
    _split_hyphenated(doc, mentions, persons)
    mentions += _unlabelled_mentions(doc, mentions, persons)
    groups = _group(mentions, persons)
    people = {i for g in groups if g.label == PERSON for m in g.mentions
              for i in range(m.start, m.end)}  # fmt: skip
    entities = [_entity(doc, group, people) for group in groups]
    return tuple(sorted(entities, key=lambda e: e.mentions[0]))


def entity_at(entities: Sequence[Entity], start: int, end: int) -> Entity | None:
    """The entity one of whose mentions overlaps ``[start, end)`` (the one overlapping
    most, when several do), or None."""
    best: tuple[int, Entity] | None = None
    for entity in entities:
        for m_start, m_end in entity.mentions:
            overlap = min(end, m_end) - max(start, m_start)
            if overlap > 0 and (best is None or overlap > best[0]):
                best = (overlap, entity)
    return best[1] if best else None


def canonical_name(name: str, known: Iterable[str]) -> str:
    """``name`` as the archive calls it: a surname or shorter form joins the one known full
    name that ends with it ("Peskov" -> "Dmitry Peskov"); with no candidate, or with two
    that are not one another's shorter form (two Trumps), ``name`` is kept as it is.

    ``known`` should hold names of the same kind (people with people): "Russia" must not
    join "A Just Russia"."""
    words = name.split()
    if not words:
        return name
    candidates = {k for k in known if _is_shorter_form(words, k.split())}
    widest = [c for c in candidates if not any(_is_shorter_form(c.split(), o.split())
                                                for o in candidates if o != c)]  # fmt: skip
    return widest[0] if len(widest) == 1 else name


def _is_shorter_form(short: list[str], full: list[str]) -> bool:
    """True when ``short`` names the same person as the longer ``full``: the same last
    word, and its other words in order within ``full`` ("Vladimir Putin" in
    "Vladimir Vladimirovich Putin")."""
    if len(short) >= len(full) or short[-1].casefold() != full[-1].casefold():
        return False
    rest = iter(w.casefold() for w in full[:-1])
    return all(word.casefold() in rest for word in short[:-1])


# -- cleaning the model's spans --------------------------------------------------------------


def _clean(doc: Doc, ent: Span) -> _Mention | None:
    label = _LABELS.get(ent.label_)
    if label is None:
        return None
    start, end = ent.start, ent.end
    title_start = start
    while start < end and _is_prefix(doc[start]):
        start += 1
    while end > start and (doc[end - 1].text in _POSSESSIVE or doc[end - 1].is_punct):
        end -= 1
    if end <= start:
        return None
    mention = _mention(doc, start, end, label)
    if mention is None:
        return None
    mention.from_model = label
    if label == PERSON and start > title_start:
        mention.role = _text(doc, title_start, start, strip_courtesy=True)
    mention.label = _corrected_label(doc, mention)
    return mention


def _is_prefix(token: Token) -> bool:
    lower = token.lower_
    return token.pos_ == "DET" or lower in _COURTESY or lower in _TITLES


def _mention(doc: Doc, start: int, end: int, label: str) -> _Mention | None:
    span = doc[start:end]
    name = " ".join(span.text.split())
    if "\n" in span.text or len(name.split()) > _MAX_NAME_WORDS:
        return None
    if not any(c.isupper() for c in name) or not any(c.isalpha() for c in name):
        return None  # "daily", "1,550", "—"
    if len(name) < 2:
        return None
    return _Mention(start, end, name, label, span.start_char, span.end_char)


def _corrected_label(doc: Doc, mention: _Mention) -> str:
    """The label, corrected where the model is known to go wrong."""
    name, label = mention.name, mention.label
    words = name.split()
    if label == PERSON:
        if len(words) == 1 and (name.isupper() or name.casefold() in _INSTITUTIONS):
            return ORG  # "RBK", "TASS", "Duma"
        if gazetteer.is_major_place(name) and not _after_title(doc, mention.start):
            return GPE  # "Kiev", "Kyiv" (a surname of the article is handled later)
        return PERSON
    if label in (ORG, "OTHER") and gazetteer.is_major_place(name):
        return GPE  # "Kiev's", "Sumy", "Crimea"; "Kursk" tagged a product
    if label == "OTHER":
        return "NORP"  # not kept
    if label in (GPE, LOC) and not gazetteer.is_place(name):
        if words[-1].casefold() in _ORG_HEADS:
            return ORG  # "the UN Secretariat", "Hydrometeorological Center"
        if all(t.pos_ == "ADJ" for t in doc[mention.start : mention.end]):
            return "NORP"  # "Ukrainian"
    return label


def _after_title(doc: Doc, start: int) -> bool:
    return start > 0 and (doc[start - 1].lower_ in _COURTESY or doc[start - 1].lower_ in _TITLES)


def _text(doc: Doc, start: int, end: int, *, strip_courtesy: bool = False) -> str | None:
    tokens = [t for t in doc[start:end] if not (strip_courtesy and t.lower_ in _COURTESY)]
    tokens = tokens[1:] if tokens and tokens[0].pos_ == "DET" else tokens
    text = "".join(t.text_with_ws for t in tokens).strip()
    return " ".join(text.split()) or None


def _with_acronyms(doc: Doc, mentions: list[_Mention]) -> list[_Mention]:
    """Names an organisation by the acronym bracketed after it: "the Federal Security
    Service (FSB)" becomes a mention of "FSB"."""
    out = []
    for mention in mentions:
        acronym = _bracketed_acronym(doc, mention.end)
        if mention.label == ORG and acronym is not None:
            out.append(
                _Mention(
                    acronym.i,
                    acronym.i + 1,
                    acronym.text,
                    ORG,
                    acronym.idx,
                    acronym.idx + len(acronym.text),
                    None,
                    ORG,
                )
            )
            mention.name = acronym.text  # fmt: skip
        out.append(mention)
    return out


def _bracketed_acronym(doc: Doc, end: int) -> Token | None:
    if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")":
        token = doc[end + 1]
        if token.text.isupper() and token.text.isalpha() and len(token.text) >= 2:
            return token
    return None


# -- people ----------------------------------------------------------------------------------


def _group_persons(mentions: list[_Mention]) -> dict[str, str]:
    """The names a person may be called in the article -> the person's full name: every
    full name the model found, and the surname of each that is the only one with it."""
    full = {m.name for m in mentions if m.label == PERSON and len(m.name.split()) > 1}
    persons = {name: canonical_name(name, full) for name in full}
    for surname, name in _unique_surnames(set(persons.values())).items():
        persons.setdefault(surname, name)
    return persons


def _joins_person(mention: _Mention, persons: dict[str, str]) -> bool:
    """A surname joins its person whatever the model called it ("Trump" tagged ORG), but a
    place joins a person only if the model read it as a person (George Washington)."""
    if mention.name not in persons:
        return False
    return PERSON in (mention.label, mention.from_model) or not gazetteer.is_place(mention.name)


def _split_hyphenated(doc: Doc, mentions: list[_Mention], persons: dict[str, str]) -> None:
    """ "Putin-Zelensky summit": two people, when both are the article's."""
    for index, mention in enumerate(mentions):
        if mention.label != PERSON or mention.name in persons or "-" not in mention.name:
            continue
        parts = [t for t in doc[mention.start : mention.end] if t.tag_ != "HYPH"]
        if all(t.text in persons for t in parts):
            mentions[index : index + 1] = []
            mentions.extend(m for t in parts if (m := _mention(doc, t.i, t.i + 1, PERSON)))


def _unlabelled_mentions(
    doc: Doc, mentions: list[_Mention], persons: dict[str, str]
) -> list[_Mention]:
    """Surnames of the article's people, and major places, that the model left untagged."""
    covered = {i for m in mentions for i in range(m.start, m.end)}
    found = []
    for token in _untagged_proper_nouns(doc, covered):
        start = token.i
        if token.text in persons:
            label = PERSON
            start = _full_name_start(doc, token.i, persons[token.text], covered)
        elif gazetteer.is_well_known_place(token.text) and _stands_alone(doc, token):
            label = GPE
        else:
            continue
        mention = _mention(doc, start, token.i + 1, label)
        if mention is not None:
            mention.from_model = label
            found.append(mention)
    return found


def _full_name_start(doc: Doc, end: int, full_name: str, covered: set[int]) -> int:
    """Where the full name ending with the surname at ``end`` starts, when the words in front
    of the surname are the full name's ("Rodion" before "Miroshnik"), else ``end``."""
    words = full_name.split()[:-1]
    start = end - len(words)
    matches = start >= 0 and [t.text for t in doc[start:end]] == words
    return start if matches and not covered.intersection(range(start, end)) else end


def _stands_alone(doc: Doc, token: Token) -> bool:
    """Not a title's ("Mr Washington") and not part of a hyphenated name ("T-Mobile"), but
    maybe of a pair of places ("Moscow-Kiev talks")."""
    if _after_title(doc, token.i):
        return False
    glued = []
    if token.i > 1 and not doc[token.i - 1].whitespace_:
        glued.append(doc[token.i - 2] if doc[token.i - 1].text == "-" else doc[token.i - 1])
    if not token.whitespace_ and token.i + 1 < len(doc) and doc[token.i + 1].text == "-":
        glued.append(doc[token.i + 2] if token.i + 2 < len(doc) else doc[token.i + 1])
    elif not token.whitespace_ and token.i + 1 < len(doc):
        after = doc[token.i + 1]
        glued += [] if after.text in _POSSESSIVE or after.is_punct else [after]
    return all(gazetteer.is_place(other.text) for other in glued)


def _untagged_proper_nouns(doc: Doc, covered: set[int]) -> Iterator[Token]:
    for token in doc:
        untagged = token.i not in covered and token.ent_type_ in ("", "PRODUCT", "WORK_OF_ART")
        proper = token.pos_ == "PROPN" or (token.pos_ == "NOUN" and not token.is_sent_start)
        if untagged and proper and token.is_alpha and token.text[:1].isupper():
            yield token


def _unique_surnames(full_names: Iterable[str]) -> dict[str, str]:
    by_surname: dict[str, set[str]] = {}
    for name in full_names:
        by_surname.setdefault(name.split()[-1], set()).add(name)
    return {s: next(iter(names)) for s, names in by_surname.items() if len(names) == 1}


# -- grouping --------------------------------------------------------------------------------


def _group(mentions: list[_Mention], persons: dict[str, str]) -> list[_Group]:
    """People under their full name; anything else under its name, with the label most of
    its mentions have (a place's, when it is a known place: "Auschwitz" tagged place,
    organisation and person in one article is a place)."""
    groups: dict[tuple[str, str], _Group] = {}
    for mention in sorted(mentions, key=lambda m: m.start):
        if _joins_person(mention, persons):
            name = persons[mention.name]
            group_key = ("person", gazetteer.key(name))
        else:
            group_key, name = ("other", gazetteer.key(mention.name)), mention.name
        group = groups.setdefault(group_key, _Group(name, PERSON))
        group.mentions.append(mention)
    for (kind, _), group in groups.items():
        if kind == "other":
            group.label = _label_of(group)
    return [g for g in groups.values() if g.label != "NORP"]  # demonyms are not kept


def _label_of(group: _Group) -> str:
    labels = Counter(m.label for m in group.mentions)
    places = [label for label in labels if label in (GPE, LOC)]
    if places and gazetteer.is_place(group.name):
        return places[0]
    return labels.most_common(1)[0][0]


def _entity(doc: Doc, group: _Group, people: set[int]) -> Entity:
    spans = sorted({(m.start_char, m.end_char) for m in group.mentions})
    role = _role(doc, group, people) if group.label == PERSON else None
    return Entity(name=group.name, label=group.label, mentions=tuple(spans), role=role)


# -- roles -----------------------------------------------------------------------------------


def _is_role_noun(token: Token) -> bool:
    """A word that names what someone is: "spokesman", "President", not "Ukraine" or "top"."""
    if token.lower_ in _TITLES:
        return True
    if token.lower_ in _COURTESY or token.ent_type_ or token.text in _POSSESSIVE:
        return False
    return token.pos_ in ("NOUN", "PROPN") and token.is_alpha


def _role(doc: Doc, group: _Group, people: set[int]) -> str | None:
    """The fullest role the article states next to one of the person's names: a title the
    model took into the name ("President Putin"), the words in front ("Kremlin spokesman
    Dmitry Peskov") or an apposition ("Donald Trump, the US president")."""
    roles = []
    for mention in group.mentions:
        name = doc[mention.start : mention.end]
        role = _role_before(doc, name, people) or mention.role or _role_after(doc, name)
        if role:
            roles.append(role)
    return max(roles, key=lambda r: len(r.split()), default=None)


def _role_before(doc: Doc, name: Span, people: set[int]) -> str | None:
    """The words in front of a name that say what the person is: "Kremlin spokesman",
    "Russian Ambassador-at-Large", "US Secretary of State", "Putin's top aide". Read by
    part of speech: the small model's parse of these chains is often wrong."""
    start = name.start
    sent_start = name.sent.start
    while start > sent_start and name.start - start < _MAX_ROLE_TOKENS:
        if not _is_role_token(doc[start - 1], people):
            break
        start -= 1
    while start < name.start and (doc[start].pos_ in ("ADP", "PART", "PUNCT")):
        start += 1
    return _role_text(doc, start, name.start)


def _is_role_token(token: Token, people: set[int]) -> bool:
    if token.ent_type_ in ("DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "QUANTITY"):
        return False
    if token.i in people:  # another person, unless a possessor: "Putin's top aide"
        nxt = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
        return nxt is not None and nxt.text in _POSSESSIVE
    if token.pos_ in _ROLE_POS or token.tag_ == "HYPH":
        return True
    if token.pos_ != "ADP":
        return False
    # "at" in "Ambassador-at-Large"; "of" in "Secretary of State", not "request of"
    doc = token.doc
    if token.lower_ == "of" and token.i > 0:
        return doc[token.i - 1].text[:1].isupper() and doc[token.i + 1].text[:1].isupper()
    return not token.whitespace_


def _role_after(doc: Doc, name: Span) -> str | None:
    """An apposition after the name: "Leonid Slutsky, the head of the committee,"."""
    for child in name.root.children:
        if child.dep_ == "appos" and child.i >= name.end and child.pos_ == "NOUN":
            end = child.i + 1
            for token in doc[child.i + 1 : child.right_edge.i + 1]:
                if (token.is_punct and token.tag_ != "HYPH") or token.dep_ in ("relcl", "acl"):
                    break
                end = token.i + 1
            start = child.left_edge.i
            if end - start <= _MAX_ROLE_TOKENS:
                return _printed(doc, start, end)
    return None


def _role_text(doc: Doc, start: int, end: int) -> str | None:
    """A role is a role only if some word of it is not a name: "Kremlin spokesman", yes;
    "Ukraine's" in "Ukraine's Vladimir Zelensky", no."""
    tokens = doc[start:end]
    if not any(_is_role_noun(t) for t in tokens):
        return None
    return _text(doc, start, end, strip_courtesy=True)


def _printed(doc: Doc, start: int, end: int) -> str | None:
    text = " ".join(doc[start:end].text.split())
    return text or None
