"""Match the course names a pathway is written with to the catalogue's courses.

Frameworks name a course one way in their catalogue and another in their sample
pathways: "Information sharing and making referrals" for "Information sharing
and making referrals to safeguard children", "Domestic violence – Level 1 and 2"
for two courses, "Joint Investigation training and ABE" for two more,
"Introductory training" for the introduction course of the pathway's own tier.
This module turns one written name into one or more :class:`Match` es, each
with the course found (or ``None``) and the reason, so the loader can store the
item either way and report what it did. It works on plain :class:`Candidate`
records, not on the database, so a document can be checked before it is built.
"""

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

FUZZY_THRESHOLD = 0.8
INTRODUCTORY_TRAINING = "introductory training"


@dataclass(frozen=True)
class Candidate:
    """A course the names may point at; ``key`` is whatever the caller needs back."""

    key: object
    title: str
    level: int | None
    tier: str
    category: str


@dataclass(frozen=True)
class Match:
    written: str  # the whole name as the source wrote it
    part: str  # the piece of it this match is for ("Domestic violence – Level 2")
    candidate: Candidate | None
    reason: str  # "exact", "normalised", "prefix", "abbreviation", "fuzzy 0.87", …
    note: str = ""  # e.g. which level was chosen when the name gave none

    @property
    def matched(self) -> bool:
        return self.candidate is not None

    @property
    def is_exact(self) -> bool:
        return self.reason == "exact" and not self.note


Matcher = Callable[..., list[Match]]

_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
_LEVELS = re.compile(
    r"^(?P<base>.*?)[\s\-:,]*\blevels?\s*(?P<first>\d)"
    r"(?:\s*(?:and|&|,|/|or)\s*(?:level\s*)?(?P<second>\d))?\s*$",
    re.IGNORECASE,
)
_PARENTHESES = re.compile(r"\(([^)]*)\)")


def tidy(text: str) -> str:
    """Straight quotes, hyphens for dashes, single spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return " ".join(text.split())


def normalise(text: str) -> str:
    """The comparison key: lower case, no punctuation, "&" and "or" read as "and", no "the"."""
    text = tidy(text).lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    words = ["and" if word == "or" else word for word in text.split()]
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def split_levels(name: str) -> tuple[str, list[int | None]]:
    """``("Domestic violence", [1, 2])`` for "Domestic violence – Level 1 and 2"."""
    cleaned = tidy(name)
    found = _LEVELS.match(cleaned)
    if not found or not found.group("base").strip():
        return cleaned, [None]
    levels: list[int | None] = [int(found.group("first"))]
    if found.group("second"):
        levels.append(int(found.group("second")))
    return found.group("base").strip(" -"), levels


def _labelled(base: str, level: int | None) -> str:
    return f"{base} – Level {level}" if level else base


def _keys(candidate: Candidate) -> set[str]:
    """The names a course answers to: its title, without and as its abbreviation."""
    keys = {normalise(candidate.title)}
    for abbreviation in _PARENTHESES.findall(candidate.title):
        keys.add(normalise(abbreviation))
        keys.add(normalise(_PARENTHESES.sub(" ", candidate.title)))
    return {key for key in keys if key}


def _stem(word: str) -> str:
    for ending in ("ing", "ies", "ied", "ed", "es", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def _similarity(name_key: str, candidate: Candidate) -> float:
    """How alike a name and a title are (0–1), forgiving word endings and extra words."""
    title_key = normalise(candidate.title)
    whole = SequenceMatcher(None, name_key, title_key).ratio()
    name_words = [_stem(word) for word in name_key.split()]
    title_words = {_stem(word) for word in title_key.split()}
    if not name_words:
        return whole
    similarity = 0.0
    covered = 0
    for word in name_words:
        best = 1.0 if word in title_words else 0.0
        if not best:
            best = max(
                (SequenceMatcher(None, word, other).ratio() for other in title_words), default=0
            )
        if best >= 0.85:
            covered += 1
            similarity += best
    coverage = similarity / len(name_words)
    # A short name whose every word is in the title is as good as a close spelling.
    extra = len(title_words) - covered
    words = coverage - 0.02 * max(0, extra) if covered == len(name_words) else coverage * 0.8
    # Only identical keys score 1: those matched before any similarity was needed.
    return min(max(whole, words), 0.99)


class _Ranker:
    """Orders candidates: the pathway's own tier first, then the adjoining tiers."""

    def __init__(self, tier: str, tier_order: dict[str, int]):
        self.tier = tier
        self.order = tier_order
        self.home = tier_order.get(tier, 0)

    def distance(self, candidate: Candidate) -> int:
        return abs(self.order.get(candidate.tier, self.home) - self.home)

    def key(self, candidate: Candidate) -> tuple[int, int]:
        below = self.order.get(candidate.tier, self.home) > self.home  # prefer lower on a tie
        return self.distance(candidate), int(below)


def _pick(
    found: list[Candidate], level: int | None, ranker: _Ranker
) -> tuple[Candidate, str] | None:
    """The best of several candidates with the same name; a note when a level was chosen."""
    if not found:
        return None
    best = min(found, key=ranker.key)
    note = ""
    if level is None and len({candidate.level for candidate in found}) > 1:
        note = (
            f"no level given: chose Level {best.level}, nearest to a pathway in tier {ranker.tier}"
            if best.level
            else f"no level given: chose the course in {best.tier}"
        )
    return best, note


def _find(
    base: str,
    level: int | None,
    candidates: Sequence[Candidate],
    ranker: _Ranker,
    *,
    fuzzy: bool,
) -> tuple[Candidate, str, str] | None:
    """One course for one name (level already split off): (course, reason, note)."""
    pool = [c for c in candidates if level is None or c.level == level]
    if not pool:
        return None
    written = tidy(base)
    exact = [c for c in pool if tidy(c.title) == written]
    if picked := _pick(exact, level, ranker):
        return picked[0], "exact", picked[1]
    key = normalise(base)
    if not key:
        return None
    normalised = [c for c in pool if key in _keys(c)]
    if picked := _pick(normalised, level, ranker):
        reason = "normalised"
        if normalise(picked[0].title) != key:
            reason = "abbreviation"
        return picked[0], reason, picked[1]
    prefixed = [c for c in pool if any(k.startswith(key + " ") for k in _keys(c))]
    if picked := _pick(prefixed, level, ranker):
        return picked[0], "prefix", picked[1]
    if not fuzzy:
        return None
    scored = [(_similarity(key, c), c) for c in pool]
    scored = [(score, c) for score, c in scored if score >= FUZZY_THRESHOLD]
    if not scored:
        return None
    # Nearly equal scores: the nearer tier wins.
    best_score, best = max(scored, key=lambda pair: pair[0] - 0.03 * ranker.distance(pair[1]))
    level_note = ""
    if level is None:
        same_title = [c for s, c in scored if normalise(c.title) == normalise(best.title)]
        if picked := _pick(same_title, level, ranker):
            best, level_note = picked
    return best, f"fuzzy {best_score:.2f}", level_note


def _introductory(
    written: str, tier: str, candidates: Sequence[Candidate], ranker: _Ranker
) -> Match:
    introductions = [c for c in candidates if c.category == "introduction"]
    own = [c for c in introductions if c.tier == tier]
    if own:
        return Match(written, written, own[0], "introductory training")
    if introductions:
        nearest = min(introductions, key=ranker.key)
        return Match(
            written,
            written,
            nearest,
            "introductory training",
            f"no introduction course in {tier}: chose the one in {nearest.tier}",
        )
    return Match(written, written, None, "unmatched")


def _split_on_and(
    base: str, level: int | None, candidates: Sequence[Candidate], ranker: _Ranker
) -> list[tuple[str, Candidate, str]] | None:
    """ "X and Y" where X and Y are both courses; ``None`` unless every part is one."""
    words = tidy(base).split(" ")
    for index, word in enumerate(words):
        if word.lower() not in ("and", "&") or index in (0, len(words) - 1):
            continue
        left, right = " ".join(words[:index]), " ".join(words[index + 1 :])
        first = _find(left, level, candidates, ranker, fuzzy=False)
        second = _find(right, level, candidates, ranker, fuzzy=False)
        if first and second and first[0] != second[0]:
            return [(left, first[0], first[1]), (right, second[0], second[1])]
    return None


def match_item(
    written: str,
    *,
    tier: str,
    candidates: Sequence[Candidate],
    tier_order: dict[str, int],
) -> list[Match]:
    """The course(s) one pathway item names; an unmatched part has ``candidate=None``.

    ``tier`` is the pathway's tier code, ``tier_order`` each tier code's order,
    used to prefer courses of the pathway's own tier and then the adjoining ones.
    """
    ranker = _Ranker(tier, tier_order)
    if normalise(written) == INTRODUCTORY_TRAINING:
        return [_introductory(written, tier, candidates, ranker)]
    base, levels = split_levels(written)
    matches: list[Match] = []
    for level in levels:
        part = _labelled(base, level) if len(levels) > 1 else written
        found = _find(base, level, candidates, ranker, fuzzy=False)
        if found is None:
            pieces = _split_on_and(base, level, candidates, ranker)
            if pieces:
                matches.extend(
                    Match(written, piece, course, f"{reason}, one of two")
                    for piece, course, reason in pieces
                )
                continue
            found = _find(base, level, candidates, ranker, fuzzy=True)
        if found is None:
            matches.append(Match(written, part, None, "unmatched"))
            continue
        course, reason, note = found
        matches.append(Match(written, part, course, reason, note))
    return matches
