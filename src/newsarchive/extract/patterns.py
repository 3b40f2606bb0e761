"""What single lines of a flattened archive page are: headers, credits, captions, related
links, bylines, dates, page furniture. Pure, per line; no rule names an outlet."""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsarchive.extract.text import word_count

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_WEEKDAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?"
_TIME = (
    r"(?:[0-2]?\d[:.][0-5]\d(?::[0-5]\d)?\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4}|\s*[+-]\d\d:?\d\d)?)"
)
DATE_EXPR = (
    rf"(?:{_WEEKDAY}\s+)?(?:{_MONTH}\s+{_DAY},?\s+{_YEAR}|{_DAY}\s+{_MONTH},?\s+{_YEAR}"
    rf"|{_YEAR}-[01]\d-[0-3]\d(?:[T ]{_TIME})?|[0-3]?\d[./][01]?\d[./]{_YEAR})"
)
DATE_RE = re.compile(DATE_EXPR, re.IGNORECASE)
_TIMESTAMP_LINE = re.compile(
    rf"^(?:(?:published|posted|updated|last updated|date)\s*(?:on|at)?\s*:?\s*)?"
    rf"(?:{_TIME}\s*(?:,|\||-|–|on)?\s*)?{DATE_EXPR}(?:\s*(?:,|\||-|–|at|/)?\s*{_TIME})?"
    rf"(?:\s*\((?:GMT|UTC|[A-Z]{{2,4}})\))?$",
    re.IGNORECASE,
)

_HEADER = re.compile(
    r"^(?:category|tag|topic|section)\s+archives?\s*[:：»\-–—|]?\s*(?P<a>.+)$"
    r"|^archives?\s+(?:for|of)\s*(?:the\s+)?(?:category\s*)?[:\-–—]?\s*(?P<b>.+?)(?:\s+category)?$"
    r"|^(?:category|tag|topic|section|browsing|posts\s+(?:in|tagged))\s*[:：»\-–—|]\s*(?P<c>.+)$"
    r"|^(?P<d>[\w'’&.\- ]{2,40}?)\s+news$"
    r"|^(?:latest\s+)?news\s*[:\-–—|»]\s*(?P<e>[\w'’&.\- ]{2,40})$",
    re.IGNORECASE,
)

_CREDIT = re.compile(
    r"^(?:©|\(c\)\s|copyright\b|(?:photo(?:graph)?|image|picture|pic)\s*(?:credit|source)\s*:"
    r"|credits?\s*:|(?:photo(?:graph)?|image|picture)\s+by\s|source\s*:\s*(?:getty|ap|afp|reuters))",
    re.IGNORECASE,
)
# "Photo: Reuters/Jane Doe" is a credit; "Photo: Crowds gather in the square." a caption.
_LABELLED_CREDIT = re.compile(
    r"^(?:photo(?:graph)?|image|picture|pic)\s*:\s*(?P<who>[^.]{2,60})$", re.IGNORECASE
)
_AGENCY_CREDIT = re.compile(
    r"^\(?(?:(?:AP|AFP|REUTERS|EPA|Reuters|Getty Images|Xinhua|TASS|Sputnik|ANP|dpa|PA)"
    r"(?:\s+Photo)?\s*/\s*[^\s].{0,60})\)?$"
)
_INLINE_CREDIT = re.compile(
    r"\s(?:©|\(c\)|(?:photo(?:graph)?|image|picture)(?:\s+credit)?:)\s*(?P<credit>\S.*)$"
    r"|\s(?P<agency>(?:REUTERS|AP\s+Photo|AFP|EPA|Getty\s+Images|Xinhua)\s*/\s*[\w.'’\- ]{2,40})$",
    re.IGNORECASE,
)
_REPORTS_SPEECH = re.compile(
    r"\b(?:said|says|told|tells|according\s+to|announced|reported|added|stated|warned|claimed)\b",
    re.IGNORECASE,
)
_END_CREDIT = re.compile(
    r"^\(?\s*(?:additional\s+)?(?:reporting|writing|written|compiled)\s+by\s+(?P<who>[^;()]+?)"
    r"\s*(?:;.*)?\)?$",
    re.IGNORECASE,
)
_TRAILING_PAREN_CREDIT = re.compile(
    r"\s*\((?P<credit>(?:photo|image|picture|credit)\s*:?\s*[^()]+|[^()]*?/[^()]+)\)\s*$",
    re.IGNORECASE,
)
_CAPTION_PREFIX = re.compile(
    r"^(?:photo|image|picture|pictured|caption|file photo|above|top)\s*:\s*(?P<text>.+)$",
    re.IGNORECASE,
)
# "Moscow, Russia, January 29, 2026." — a place list and a date, nothing else.
_DATELINE_CAPTION = re.compile(
    rf"^(?:[A-Z][\w.'’\- ]{{1,40}},\s*){{1,4}}{DATE_EXPR}\.?$", re.IGNORECASE
)
_ENDS_WITH_DATE = re.compile(rf"(?:,|\s){DATE_EXPR}\.?$", re.IGNORECASE)

_RELATED_INLINE = re.compile(
    r"^(?:read\s+more|read\s+also|also\s+read|see\s+also|more|related|related\s+(?:story|article)"
    r"|watch|listen|more\s+on\s+this(?:\s+story)?|recommended)\s*[:\-–—»|]\s*(?P<title>\S.+)$",
    re.IGNORECASE,
)
_RELATED_MARKER = re.compile(
    r"^(?:read\s+more|read\s+also|also\s+read|see\s+also|related|related\s+(?:stories|articles|"
    r"coverage|news|content|links|reading)|more\s+(?:on\s+this(?:\s+story)?|stories|from\s+.{1,30})"
    r"|you\s+(?:may|might)\s+also\s+(?:like|be\s+interested\s+in)|recommended(?:\s+for\s+you)?"
    r"|further\s+reading|most\s+read)\s*:?$",
    re.IGNORECASE,
)
_LIST_ITEM = re.compile(r"^(?:[-•*▪►›»–—]|\d{1,2}[.)])\s+(?P<text>\S.*)$")
_URL = re.compile(r"https?://\S+")
_TITLE_URL = re.compile(
    r"^(?P<title>.+?)\s*(?:[(<\[]\s*(?P<u1>https?://[^\s)>\]]+)\s*[)>\]]|[-–—|:]\s*(?P<u2>https?://\S+))$"
)

_TEASER_END = re.compile(
    r"^(?:continue\s+reading|keep\s+reading|read\s+(?:the\s+)?(?:full|whole|rest|entire)\b.*"
    r"|read\s+more\s*(?:[»›→>…]+|\.\.\.)|full\s+story\s*[»›→>]*|more\s*[»›→]+)"
    r"(?:\s*[»›→>…]+|\s*\.\.\.)?\s*$",
    re.IGNORECASE,
)
_FOOTER = re.compile(
    r"^(?:leave\s+a\s+(?:comment|reply)|\d+\s+(?:comments?|responses?|replies)|no\s+comments(?:\s+yet)?"
    r"|comments?\s*(?:\(\d+\)|\d+)?|(?:«|‹|<)?\s*(?:older|newer|previous|next)\s+(?:posts|entries|"
    r"articles|page|stories)\s*(?:»|›|>|→)?|(?:«|‹)\s*(?:previous|prev)|(?:next)\s*(?:»|›)"
    r"|page\s+\d+\s+of\s+\d+|load\s+more|show\s+more|share(?:\s+this(?:\s+(?:article|story|post))?)?"
    r"(?:\s*:.*)?|(?:tweet|email|print|facebook|twitter|whatsapp|linkedin|telegram)"
    r"(?:\s*[|·•]\s*(?:tweet|email|print|facebook|twitter|whatsapp|linkedin|telegram|share))*"
    r"|permalink|back\s+to\s+top|advertisement|sponsored(?:\s+content)?|subscribe(?:\s+now)?)\.?$",
    re.IGNORECASE,
)
_CATEGORY_LINE = re.compile(
    r"^(?:posted\s+in|filed\s+(?:under|in)|categories|category|topics?|tags?|tagged(?:\s+with)?"
    r"|sections?)\s*:?\s+(?P<cats>[^|]+?)(?:\s*\|.*)?$",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^(?:(?:posted|published|written)\s+(?:on\s+)?(?P<date1>.+?)\s+by\s+(?P<who1>.+)"
    r"|(?:posted|published|updated|last\s+updated)\s*(?:on|at)?\s*:?\s*(?P<date2>.+)"
    r"|by\s+(?P<who2>[A-Z\u0400-\u04ff][^|]*?)(?:\s*(?:\||•|·|—|–|-)\s*(?P<rest>.+))?"
    r"|(?P<date3>.+?)\s*(?:\||•|·)\s*by\s+(?P<who3>.+))$",
    re.IGNORECASE,
)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,\s*and\s+|\s+and\s+|&|,)\s*")
_ROLE_WORDS = re.compile(
    r"\b(?:correspondent|editor|reporter|writer|staff|contributor|columnist|bureau|chief|"
    r"analyst|in\s+[A-Z][a-z]+)\b.*$",
    re.IGNORECASE,
)
_WIRE_DATELINE = re.compile(
    r"^(?P<dateline>[A-Z][A-Z.'’\- ]{1,40}(?:,\s*[A-Z][\w.'’\- ]{1,30}){0,2}"
    r"(?:\s*,\s*" + _MONTH + r"\s+\d{1,2})?\s*(?:\((?P<agency>[^)]{2,30})\))?)\s*[-–—]{1,2}\s+\S"
)
_TERMINAL = re.compile(r"[.!?…:;]['\"’”»)\]]*$")
_TAIL = 6  # a sentence end is looked for in the last few characters only
_WIRE_AGENCIES = ("Reuters", "AP", "AFP", "Bloomberg", "dpa", "EFE", "ANSA", "TASS", "PA")


# Every special line is recognised by how it starts, by a credit inside it, or by being
# short; a long line ending a sentence with none of these is body text (the fast path).
_SPECIAL_START = re.compile(
    r"^(?:©|\(|copyright\b|photo|image\b|picture\b|pic\b|pictured\b|caption\b|file\s+photo"
    r"|above\b|top\b|credits?\b|source\b|read\b|also\b|see\b|more\b|related\b|watch\b"
    r"|listen\b|recommended\b|continue\b|keep\s+reading|full\s+story|leave\b"
    r"|\d+\s+(?:comments?|responses?|replies)\b|no\s+comments|comments?\b|older\b|newer\b"
    r"|previous\b|next\b|«|‹|<|page\b|load\b|show\b|share\b|tweet\b|email\b|print\b"
    r"|facebook\b|twitter\b|whatsapp\b|linkedin\b|telegram\b|permalink\b|back\s+to"
    r"|advertisement\b|sponsored\b|subscribe\b|posted\b|filed\b|categor|topics?\b|tag"
    r"|sections?\b|by\b|published\b|updated\b|last\s+updated|written\b|reporting\b"
    r"|additional\b|compiled\b|date\b)",
    re.IGNORECASE,
)
_CREDIT_MARK = re.compile(r"©|/|\([cC]\)|hoto|HOTO|Image|IMAGE|image:|icture")


def is_plain_paragraph(text: str) -> bool:
    """A line that can only be body text: it ends a sentence, does not end with a date
    (as captions do), and has no marker of a caption, credit, related link, byline or
    page furniture. The fast path: most lines of a dump are such paragraphs."""
    return (
        len(text) > 80
        and _TERMINAL.search(text[-_TAIL:]) is not None
        and _SPECIAL_START.match(text) is None
        and (len(text) > 600 or _CREDIT_MARK.search(text) is None)
        and not (text[-2:-1].isdigit() and _ENDS_WITH_DATE.search(text[-40:]))
    )


@dataclass(frozen=True, slots=True)
class Byline:
    authors: tuple[str, ...]
    date_text: str | None


def header_category(text: str) -> str | None:
    """The category a page header names: "Category Archive : Russia" -> "Russia"."""
    if word_count(text) > 10 or has_terminal_punctuation(text):
        return None
    match = _HEADER.match(text)
    if not match:
        return None
    name = next(g for g in match.groups() if g)
    name = name.strip(" :-–—|»\"'“”")
    return name or None


def is_credit(text: str) -> bool:
    if word_count(text) > 14:
        return False
    if _CREDIT.match(text) or _AGENCY_CREDIT.match(text):
        return True
    labelled = _LABELLED_CREDIT.match(text)
    if labelled is None:
        return False
    who = labelled.group("who").split()
    return len(who) <= 6 and ("/" in labelled.group("who") or all(w[:1].isupper() for w in who))


def clean_credit(text: str) -> str:
    """ "© Sputnik/Yuri Kochetkov" stays as published, minus the "Photo:" style label."""
    stripped = re.sub(
        r"^(?:(?:photo(?:graph)?|image|picture|pic)\s*(?:credit|source)?|credits?)\s*:\s*",
        "",
        text,
        flags=re.IGNORECASE,
    )
    return stripped.strip("() ")


def split_inline_credit(text: str) -> tuple[str, str | None]:
    """ "Leaders meet in Paris © Getty Images / X" -> ("Leaders meet in Paris", "© Getty…")."""
    match = _INLINE_CREDIT.search(text)
    if match and match.start() > 0:
        credit = text[match.start() :].strip()
        return text[: match.start()].strip(), credit if "©" in credit else clean_credit(credit)
    match = _TRAILING_PAREN_CREDIT.search(text)
    if match and match.start() > 0:
        return text[: match.start()].strip(), clean_credit(match.group("credit"))
    return text, None


def reports_speech(text: str) -> bool:
    return bool(_REPORTS_SPEECH.search(text))


def has_inline_credit(text: str) -> bool:
    """A credit inside the line: "… in Paris © Getty Images / X", "… 2026. REUTERS/Name"."""
    match = _INLINE_CREDIT.search(text)
    return match is not None and match.start() > 0


def caption_prefix(text: str) -> str | None:
    """ "Photo: Crowds in the square." -> "Crowds in the square."."""
    match = _CAPTION_PREFIX.match(text)
    return match.group("text").strip() if match else None


def is_dateline_caption(text: str) -> bool:
    return word_count(text) <= 12 and bool(_DATELINE_CAPTION.match(text))


def ends_with_date(text: str) -> bool:
    return word_count(text) <= 40 and bool(_ENDS_WITH_DATE.search(text))


def related_inline(text: str) -> str | None:
    """ "READ MORE: Some headline" -> "Some headline"."""
    match = _RELATED_INLINE.match(text)
    if not match or word_count(text) > 30:
        return None
    return match.group("title").strip()


def is_related_marker(text: str) -> bool:
    return bool(_RELATED_MARKER.match(text))


def list_item(text: str) -> str | None:
    match = _LIST_ITEM.match(text)
    return match.group("text").strip() if match else None


def title_and_url(text: str) -> tuple[str, str | None]:
    match = _TITLE_URL.match(text)
    if match:
        return match.group("title").strip(" -–—|:"), match.group("u1") or match.group("u2")
    return text, None


def is_url(text: str) -> bool:
    return bool(_URL.fullmatch(text))


def is_teaser_end(text: str) -> bool:
    return bool(_TEASER_END.match(text))


def is_footer(text: str) -> bool:
    return bool(_FOOTER.match(text))


def category_line(text: str) -> tuple[str, ...] | None:
    """ "Filed under: Politics, Europe" -> ("Politics", "Europe")."""
    if word_count(text) > 25:
        return None
    match = _CATEGORY_LINE.match(text)
    if not match:
        return None
    parts = re.split(r"\s*[,;·•]\s*", match.group("cats"))
    cats = tuple(p.strip(" .") for p in parts if p.strip(" ."))
    return cats or None


def is_timestamp(text: str) -> bool:
    return word_count(text) <= 10 and bool(_TIMESTAMP_LINE.match(text))


def parse_byline(text: str) -> Byline | None:
    """Bylines and dated lines: "By Jane Doe | Reuters", "Posted on May 2, 2026 by admin"."""
    if word_count(text) > 20 or (text.endswith((".", "?", "!")) and not DATE_RE.search(text)):
        return None
    if is_timestamp(text):
        return Byline((), text)
    end_credit = _END_CREDIT.match(text)
    if end_credit:
        return Byline(split_authors(end_credit.group("who")), None)
    match = _BYLINE.match(text)
    if not match:
        return None
    groups = match.groupdict()
    who = groups["who1"] or groups["who2"] or groups["who3"]
    date_text = groups["date1"] or groups["date2"] or groups["date3"]
    rest = groups["rest"]
    if rest and DATE_RE.search(rest):
        date_text = rest
    if date_text and not DATE_RE.search(date_text):
        if who is None:
            return None
        date_text = None
    if who is not None and not _plausible_names(who):
        return None
    return Byline(split_authors(who) if who else (), date_text)


def _plausible_names(who: str) -> bool:
    words = who.split()
    return 0 < len(words) <= 12 and words[0][:1].isupper()


def split_authors(who: str) -> tuple[str, ...]:
    """ "Anna Lee and Mark Chen" -> two names; roles ("Science Correspondent") and wire
    agencies are not authors."""
    names = [n.strip(" .;|") for n in _AUTHOR_SPLIT.split(who)]
    return tuple(n for n in names if n and n not in _WIRE_AGENCIES and not _ROLE_WORDS.search(n))


def wire_dateline(text: str) -> str | None:
    """ "LONDON (Reuters) - Britain said…" -> "LONDON (Reuters)"."""
    match = _WIRE_DATELINE.match(text)
    if not match:
        return None
    place = match.group("dateline").strip()
    letters = [c for c in place.split("(")[0] if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) / len(letters) < 0.8:
        return None
    return place


def has_terminal_punctuation(text: str) -> bool:
    return bool(_TERMINAL.search(text[-_TAIL:]))
