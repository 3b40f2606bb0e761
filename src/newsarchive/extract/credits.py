"""Photo credits inside caption text: "Crowds gather (AP Photo/Jane Doe)", "© Reuters".

The line-level rules of ``patterns`` (shared with the dump reader) come first; web captions
add a few forms of their own: a trailing "(Getty Images)", "Photo: Jane Doe/Reuters" at the
end, "Image credit: Google".
"""

from __future__ import annotations

import re

from newsarchive.extract import patterns as pt

_AGENCY = (
    r"(?:Getty(?:\s+Images)?|Reuters|REUTERS|AP|AFP|EPA|EPA-EFE|PA(?:\s+Wire|\s+Media)?|Alamy"
    r"|Shutterstock|Bloomberg|dpa|DPA|imago|IMAGO|Xinhua|Anadolu|AAP|Pool|Sipa|Rex|"
    r"SWNS|Supplied|Handout|Courtesy|Instagram|Twitter|X|Facebook|YouTube|Bild|Foto)"
)
# "… on Thursday (Getty Images)", "… in Kyiv. Photo: Jane Doe/Reuters", "… | Credit: Google"
_TRAILING_AGENCY = re.compile(
    r"\s*[(\[]\s*(?P<credit>[^()\[\]]{0,60}?\b" + _AGENCY + r"\b[^()\[\]]{0,40})[)\]]\s*$"
)
_TRAILING_LABEL = re.compile(
    r"(?:^|[\s.|,;–—-])\s*(?:(?:photo(?:graph)?|image|picture|pic|foto|bild)\s*(?:credit|source)?"
    r"|credits?|source|quelle)\s*:\s*(?P<credit>[^:]{2,80})$",
    re.IGNORECASE,
)
_LEADING_LABEL = re.compile(
    r"^(?:(?:photo(?:graph)?s?|images?|pictures?|fotos?)\s+by\s+"
    r"|(?:(?:image|photo)\s+)?(?:©|\(c\)|copyright\b:?|credits?\s*:"
    r"|(?:photo(?:graph)?s?|images?|pictures?|pics?|foto|bild)\s*(?:credit|source)?\s*:))\s*",
    re.IGNORECASE,
)
_SLASH_AGENCY = re.compile(  # "… parliament Anna Weber/Reuters": a name of capitalised words
    r"\s(?P<credit>(?:[A-Z][\w.'’-]*\s){0,3}[A-Z][\w.'’-]*\s?/\s?" + _AGENCY + r"[\w ]{0,20})$"
)


def split_credit(text: str) -> tuple[str, str | None]:
    """A caption's text and the credit it ends with (``None`` when it names none)."""
    body, credit = pt.split_inline_credit(text)
    if credit:
        return body, clean_credit(credit)
    for pattern in (_TRAILING_AGENCY, _TRAILING_LABEL, _SLASH_AGENCY):
        match = pattern.search(text)
        if match and match.start() > 0:
            return text[: match.start()].strip(" |–—-"), clean_credit(match.group("credit"))
    return text, None


def clean_credit(text: str) -> str:
    """The credit as the picture's owner is named: labels ("Photo:", "©", "Image credit:")
    and wrapping brackets dropped."""
    text = " ".join(text.split()).strip(" ()[]|,;")
    text = _LEADING_LABEL.sub("", _LEADING_LABEL.sub("", text)).strip(" ()[]|,;")
    parts = [part.strip() for part in text.split(" | ")]  # "X | X": the name twice
    return " | ".join(dict.fromkeys(part for part in parts if part))


def looks_like_credit(text: str) -> bool:
    """A whole short line that is a credit, not a caption: "© AFP", "Photo: Jane Doe"."""
    return pt.is_credit(text) or bool(_LEADING_LABEL.match(text) and len(text.split()) <= 8)
