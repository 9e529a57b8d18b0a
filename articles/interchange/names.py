"""Find tag names in a story's text: pure functions over strings, no database.

Two uses at import: existing tags whose names occur in a plain-text story are
applied to it, and the proper names the story keeps mentioning are offered to the
editor as suggestions (never applied by themselves).
"""

import calendar
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .plaintext import AGENCY_NAMES

WORDS = re.compile(r"\w+")
# A word (letters, digits, inner apostrophes and hyphens) or one punctuation mark.
TOKENS = re.compile(r"\w(?:[\w'’-]*\w)?|[^\w\s]")
POSSESSIVE = re.compile(r"['’]s$")
SENTENCE_END = {".", "!", "?", "…", "؟"}
# Arabic articles glued to a name: "al-Shaabi" is part of "Hashed al-Shaabi".
ARTICLE_PREFIX = re.compile(r"^(?:al|el|ad|an|ar|as|ash|at|az)-(?=[^\W\d_])", re.I)
# Lowercase words that may sit inside a name: "Haider al Abadi", "Ludwig van …".
CONNECTORS = {
    "al", "el", "bin", "ibn", "abu", "bint", "de", "del", "der", "di", "da", "du",
    "la", "le", "van", "von", "y",
}  # fmt: skip
# Capitalised words that name no one: they start sentences or name days and months.
STOP_WORDS = {
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "he", "her", "his",
    "i", "i'm", "i'd", "i've", "i'll", "if", "in", "it", "its", "mr", "mrs", "ms",
    "dr", "no", "not", "of", "on",
    "or", "our", "she", "so", "that", "the", "their", "there", "these", "they",
    "this", "those", "to", "we", "when", "where", "while", "with", "yes", "you",
    "after", "before", "since", "until", "during", "today", "yesterday",
    "tomorrow", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "sept",
    *(name.lower() for name in calendar.month_name if name),
    *(name.lower() for name in calendar.month_abbr if name),
}  # fmt: skip
# "the city of Hatra": a place introduced as such counts even when named once.
PLACE_WORDS = {
    "city", "town", "village", "province", "region", "district", "capital",
    "governorate", "state", "island", "port",
}  # fmt: skip
EXCLUDED = {name.casefold() for name in AGENCY_NAMES}
MIN_MENTIONS = 2
MAX_SUGGESTIONS = 10


def name_key(name: str) -> str:
    """Compare names loosely: "Hashed al-Shaabi" is "hashed al shaabi"."""
    return " ".join(WORDS.findall(name.replace("’", "'").casefold()))


def tags_in_text(text: str, tag_names: Iterable[str]) -> list[str]:
    """Return the names that occur in ``text`` as whole words, ignoring case.

    Word n-grams of the text screen the names cheaply; each candidate is then
    confirmed with its exact spelling, so "al-Shaabi" does not match "al Shaabi".
    """
    words = [word.casefold() for word in WORDS.findall(text)]
    grams: dict[int, set[str]] = {}
    found = []
    for name in tag_names:
        key = WORDS.findall(name.casefold())
        if not key:
            continue
        n = len(key)
        if n not in grams:
            grams[n] = {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}
        if " ".join(key) not in grams[n]:
            continue
        spelling = r"\s+".join(map(re.escape, name.split()))
        if re.search(rf"(?<!\w){spelling}(?!\w)", text, re.IGNORECASE):
            found.append(name)
    return found


@dataclass
class _Mentions:
    count: int = 0
    inside_sentence: int = 0
    as_place: bool = False
    spellings: Counter[str] = field(default_factory=Counter)


def suggest_names(texts: Iterable[str], *, known: Iterable[str] = ()) -> list[str]:
    """Return the proper names a story keeps mentioning, most frequent first.

    A name is a run of capitalised words (with "al", "bin", "van"… inside). It is
    suggested when it occurs at least twice, or once after "the city of" and the
    like, and at least once inside a sentence (a capital at a sentence start
    proves nothing). Days, months, agencies and ``known`` names (existing tags)
    are left out.
    """
    mentions: dict[str, _Mentions] = {}
    order: dict[str, int] = {}
    for text in texts:
        for words, initial, after in _names(text):
            spelling = " ".join(words)
            key = name_key(spelling)
            seen = mentions.setdefault(key, _Mentions())
            order.setdefault(key, len(order))
            seen.count += 1
            seen.inside_sentence += not initial
            seen.as_place |= after in PLACE_WORDS
            seen.spellings[spelling] += 1
    skip = EXCLUDED | {name_key(name) for name in known}
    chosen = [
        key
        for key, seen in mentions.items()
        if key not in skip
        and seen.inside_sentence
        and (seen.count >= MIN_MENTIONS or seen.as_place)
    ]
    chosen.sort(key=lambda key: (-mentions[key].count, order[key]))
    # The most used spelling; on a tie, the first one seen.
    return [
        mentions[key].spellings.most_common(1)[0][0] for key in chosen[:MAX_SUGGESTIONS]
    ]


def _names(text: str) -> Iterable[tuple[list[str], bool, str]]:
    """Yield each name in ``text``: its words, whether it opens a sentence, and the
    word before "of" when the name follows "<word> of" ("city" in "city of Hatra").
    """
    tokens = TOKENS.findall(text)
    sentence_start = True
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not _is_capitalised(token):
            if token in SENTENCE_END:
                sentence_start = True
            elif token[0].isalnum():
                sentence_start = False
            i += 1
            continue
        start, words, i = i, [], i
        while i < len(tokens):
            word, cut = _without_suffix(tokens[i])
            if _is_capitalised(word):
                words.append(word)
                i += 1
                if cut:
                    break
            elif (
                word.lower() in CONNECTORS
                and words
                and i + 1 < len(tokens)
                and _is_capitalised(tokens[i + 1])
            ):
                words.append(word)
                i += 1
            else:
                break
        initial = sentence_start
        while words and words[0].lower() in STOP_WORDS:
            words.pop(0)
            start, initial = start + 1, False
        sentence_start = False
        if not words or all(word.lower() in STOP_WORDS for word in words):
            continue
        if len(words) == 1 and (len(words[0]) < 2 or words[0].lower() in STOP_WORDS):
            continue
        before = tokens[start - 2].lower() if start >= 2 else ""
        after_of = before if tokens[start - 1 : start] == ["of"] else ""
        yield words, initial, after_of


def _is_capitalised(token: str) -> bool:
    return bool(token) and (
        (token[0].isupper() and not token.isdigit())
        or bool(ARTICLE_PREFIX.match(token))
    )


def _without_suffix(token: str) -> tuple[str, bool]:
    """Cut a lowercase tail: "US-led" is "US", "China's" is "China"; a cut ends
    the name."""
    possessive = POSSESSIVE.sub("", token)
    if possessive != token:
        return possessive, True
    head, dash, tail = token.partition("-")
    if dash and head[:1].isupper() and tail[:1].islower():
        return head, True
    return token, False
