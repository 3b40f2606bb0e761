"""Archive-level canonical names: which names of the archive are one entity.

An article names Dmitry Peskov in full once and then "Peskov"; the enricher merges those
within the article. Across articles, one may say only "Peskov": the store merges it into
the one full name of the archive that ends with it, with ``canonical_name`` from
``enrich/entities.py`` (which never guesses between two candidates). Only names of the same
kind merge (people with people, organisations with organisations, places with places), so
the city of Washington never joins George Washington.

Pure: the store gives a group of names (same kind, same last word) and writes back what
changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

Canonical = Callable[[str, Iterable[str]], str]

_PLACES = frozenset({"GPE", "LOC", "FAC"})


def label_kind(label: str) -> str:
    """The kind of entity a label names: places share one kind (GPE, LOC, FAC)."""
    return "place" if label in _PLACES else label.casefold()


def name_key(name: str, label: str) -> str:
    """The group a name is resolved in: its kind and its last word, case-folded."""
    words = name.casefold().split()
    return f"{label_kind(label)}:{words[-1] if words else ''}"


def resolve_group(members: Sequence[tuple[int, str]], canonical: Canonical) -> dict[int, int]:
    """Each member's canonical member (itself when none), for one group of ``(id, name)``.

    The same name twice (a place labelled GPE in one article and LOC in another) is one
    entity, the first; a name shorter than another of the group (which ends with the same
    word) is given to ``canonical`` with the group's other names, which picks the one it
    joins ("Vladimir Putin" -> "Vladimir Vladimirovich Putin"), or none.
    Chains (a name joining one that joins another) end at the last.
    """
    first_of: dict[str, int] = {}
    for member_id, name in members:
        first_of.setdefault(name, member_id)
    longest = max((len(name.split()) for name in first_of), default=0)
    names = list(first_of)
    target: dict[int, int] = {}
    for member_id, name in members:
        target[member_id] = first_of[name]
        if first_of[name] != member_id or len(name.split()) >= longest:
            continue  # nothing longer to join
        chosen = canonical(name, [other for other in names if other != name])
        if chosen != name and chosen in first_of:
            target[member_id] = first_of[chosen]
    return {member_id: _root(target, member_id) for member_id in target}


def _root(target: dict[int, int], start: int) -> int:
    seen = {start}
    current = start
    while target[current] != current:
        current = target[current]
        if current in seen:  # a cycle cannot come from suffixes; stop rather than loop
            return start
        seen.add(current)
    return current
