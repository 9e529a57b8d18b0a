"""Parse plain-text wire copy into a ``ParsedStory``: bytes in, plain data out.

The format is the one agencies and archives send: a headline line, paragraphs
separated by blank lines, photo captions followed by a short credit line. The rule
behind every decision here: nothing a reporter wrote may be lost, so text that fits
no slot goes to ``leftovers`` for an editor instead of being dropped.
"""

import calendar
import re
from collections.abc import Iterable
from datetime import date

from charset_normalizer import from_bytes

from .data import ParsedPhoto, ParsedStory, ParseError
from .versions import content_hash

HEADLINE_MAX = 300
CREDIT_MAX = 60
WESTERN_ENCODINGS = {"cp1252", "latin_1", "iso8859_15"}
CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32), 127])
CLOSERS = "\"'”’»)"
SENTENCE_END = re.compile(rf"[.!?…؟][{CLOSERS}]*$")
FULL_STOP_END = re.compile(rf"\.[{CLOSERS}]*$")
# At least 15 characters, so "Mr." or "U.S." do not pass for a whole sentence.
OPENING_SENTENCE = re.compile(rf"^.{{15,}}?[.!?…؟][{CLOSERS}]*(?=\s|$)", re.S)
AGENCY_NAMES = (
    "AFP", "Reuters", "AP", "Associated Press", "Getty Images", "Getty", "EPA-EFE",
    "EPA", "AAP", "ANP", "DPA", "PA Media", "PA", "Xinhua", "Anadolu", "Bloomberg",
    "Shutterstock", "Alamy", "UPI", "Kyodo", "Yonhap", "Sipa", "ABACA",
)  # fmt: skip
CANONICAL_AGENCY = {name.lower(): name for name in AGENCY_NAMES}
# Longest names first, so "PA Media" wins over "PA" and "EPA-EFE" over "EPA".
_AGENCY_ALTERNATIVES = "|".join(map(re.escape, sorted(AGENCY_NAMES, key=len)[::-1]))
AGENCY = re.compile(rf"\b({_AGENCY_ALTERNATIVES})\b", re.I)
CREDIT_SEPARATORS = re.compile(r"\(c\)|[/,;:()\[\]©|&–—-]", re.I)
# Words a credit line may carry besides agency and photographer names.
CREDIT_WORDS = {
    "photo", "photos", "photograph", "picture", "pictures", "pic", "image", "images",
    "credit", "by", "via", "for", "file", "handout", "pool", "courtesy", "of",
    "staff", "de", "la", "le", "du", "da", "di", "van", "von", "der", "al", "el",
}  # fmt: skip
MONTHS = {
    name.lower(): number
    for names in (calendar.month_name, calendar.month_abbr)
    for number, name in enumerate(names)
    if name
} | {"sept": 9}
_MONTH = r"(?P<month>[A-Z][a-zA-Z]{2,8})\.?"
_DAY = r"(?<!\d)(?P<day>\d{1,2})(?:st|nd|rd|th)?"
# Years 1900-2099 only, so "20 November, 1300 GMT" is not a date in the year 1300.
_YEAR = r"(?P<year>(?:19|20)\d\d)(?!\d)"
DATE_PATTERNS = (
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}"),
    re.compile(rf"{_DAY}\s+{_MONTH},?\s+{_YEAR}"),
    re.compile(r"(?<!\d)(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d)(?!\d)"),
)
ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufeff]")


def decode(data: bytes) -> str:
    """Return the text of ``data``: UTF-8, else Windows-1252 when that is a safe bet.

    Only Western single-byte encodings are accepted from detection, because wire copy
    comes in those and a wrong guess would silently publish mojibake.
    """
    if not data.strip():
        raise ParseError("empty file")
    control = len(data) - len(data.translate(None, CONTROL_BYTES))
    if b"\x00" in data or control > len(data) / 100:
        raise ParseError("binary data, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _decode_western(data)
    if not text.strip():
        raise ParseError("empty file")
    return text


def _decode_western(data: bytes) -> str:
    """Decode as Windows-1252 if charset detection rates it as good as any encoding."""
    reason = "cannot tell the text encoding (neither UTF-8 nor Windows-1252/Latin-1)"
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise ParseError(reason) from None
    matches = from_bytes(data)
    best = matches.best()
    # Detection groups encodings that give the same text, so look inside each group.
    if best is None or not any(
        WESTERN_ENCODINGS & set(match.could_be_from_charset)
        for match in matches
        if match.chaos <= best.chaos + 0.01
    ):
        raise ParseError(reason)
    return text


def parse_plain_text(data: bytes) -> ParsedStory:
    """Split wire copy into headline, standfirst, captions, body and leftovers."""
    text = decode(data)
    blocks = _blocks(text.replace("\r\n", "\n").replace("\r", "\n"))
    headline = blocks[0][0]
    derived = not _looks_like_headline(headline)
    if not derived:
        blocks[0] = blocks[0][1:]
    items = _drop_caption_repeats(_items(block for block in blocks if block))
    paragraphs = [item for item in items if isinstance(item, str)]
    photos = [item for item in items if isinstance(item, ParsedPhoto)]
    leftovers = []
    if len(paragraphs) > 1 and isinstance(items[-1], str) and _is_fragment(items[-1]):
        leftovers.append(paragraphs.pop())
    if derived and not paragraphs:
        raise ParseError("no headline: the text starts with a photo caption")
    standfirst = paragraphs.pop(0) if paragraphs else ""
    if derived:
        headline = _headline_from(standfirst)
    if not any(char.isalpha() for char in headline):
        raise ParseError(f"no headline: the first line has no words ({headline!r})")
    return ParsedStory(
        headline=headline,
        standfirst=standfirst,
        paragraphs=paragraphs,
        photos=photos,
        agency=_agency(photos[0].credit) if photos else "",
        leftovers=leftovers,
        date_in_text=find_date(text),
        language=detect_language(text),
        text=text,
        headline_derived=derived,
        source_version=content_hash(text),
    )


def _blocks(text: str) -> list[list[str]]:
    """Group stripped lines into blocks at blank (or whitespace-only) lines."""
    blocks: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line.strip():
            blocks[-1].append(line.strip())
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _looks_like_headline(line: str) -> bool:
    """Tell a headline from a lead sentence: short, no full stop at the end."""
    return len(line) <= HEADLINE_MAX and not FULL_STOP_END.search(line)


def _items(blocks: Iterable[list[str]]) -> list[str | ParsedPhoto]:
    """Turn blocks into paragraphs (one per line) and captions (lines + credit line)."""
    items: list[str | ParsedPhoto] = []
    for block in blocks:
        if len(block) > 1 and is_credit(block[-1]):
            items.append(ParsedPhoto(caption=" ".join(block[:-1]), credit=block[-1]))
        else:
            items.extend(block)
    return items


def _drop_caption_repeats(items: list[str | ParsedPhoto]) -> list[str | ParsedPhoto]:
    """Drop the first paragraph that repeats a caption seen before; keep the rest."""
    pending: set[str] = set()
    kept: list[str | ParsedPhoto] = []
    for item in items:
        if isinstance(item, ParsedPhoto):
            pending.add(_normalise(item.caption))
        elif _normalise(item) in pending:
            pending.discard(_normalise(item))
            continue
        kept.append(item)
    return kept


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _is_fragment(line: str) -> bool:
    """Spot a stray tag like "Route 6": up to three words, no sentence, no credit."""
    return (
        len(line.split()) <= 3
        and not SENTENCE_END.search(line)
        and not AGENCY.search(line)
    )


def is_credit(line: str) -> bool:
    """Tell whether ``line`` is a photo credit such as "John Smith/AFP" or "(AFP)"."""
    if len(line) > CREDIT_MAX or SENTENCE_END.search(line):
        return False
    parts = _credit_parts(line)
    return parts is not None and bool(parts[0])


def _credit_parts(line: str) -> tuple[list[str], list[str]] | None:
    """Return the agencies and the names in a credit line, or None if it is prose.

    Besides agencies a credit holds only capitalised names and words like "Photo" or
    "via", so a short sentence that mentions Reuters is not taken for a credit.
    """
    agencies = AGENCY.findall(line)
    names = []
    for word in CREDIT_SEPARATORS.sub(" ", AGENCY.sub(" ", line)).split():
        if word.lower() in CREDIT_WORDS:
            continue
        if not word[0].isupper():
            return None
        names.append(word)
    return agencies, names


def _agency(credit: str) -> str:
    """Name the agency for the byline: "AFP" for "(AFP)", else the whole credit."""
    parts = _credit_parts(credit)
    if parts and len(parts[0]) == 1 and not parts[1]:
        return CANONICAL_AGENCY[parts[0][0].lower()]
    return credit


def _headline_from(paragraph: str) -> str:
    """Derive a headline from the opening sentence, cut at a word to fit 300 chars."""
    match = OPENING_SENTENCE.match(paragraph)
    sentence = re.sub(r"(?<!\.)\.$", "", match.group() if match else paragraph)
    if len(sentence) <= HEADLINE_MAX:
        return sentence
    cut = sentence[: HEADLINE_MAX - 1]
    cut = cut.rsplit(None, 1)[0] if " " in cut.strip() else cut
    return cut.rstrip(" ,;:-–—") + "…"


def find_date(text: str) -> date | None:
    """Return the first real full date written in ``text`` ("November 24, 2017")."""
    found = sorted(
        (match for pattern in DATE_PATTERNS for match in pattern.finditer(text)),
        key=lambda match: match.start(),
    )
    for match in found:
        month = match["month"]
        number = int(month) if month.isdigit() else MONTHS.get(month.lower())
        try:
            return date(int(match["year"]), number or 0, int(match["day"]))
        except ValueError:
            continue
    return None


def detect_language(text: str) -> str:
    """Return "ar" when most letters are Arabic script, else "en"."""
    letters = [char for char in text if char.isalpha()]
    arabic = sum(1 for char in letters if ARABIC_LETTER.match(char))
    return "ar" if arabic * 2 > len(letters) else "en"
