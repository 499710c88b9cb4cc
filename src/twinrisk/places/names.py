"""Typed text to index keys: one folding of names so that typed forms meet (Xi’an,
Xian and XI'AN), and a stable 64-bit hash of the folded key.

The index holds 1.4 million names, so both come in a column-wise form too
(``normalize_many``, ``key_hashes``) that gives exactly what the one-name form gives,
several times faster than a Python call per name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

#: curly quotes, ASCII apostrophe, modifier letters: dropped so Xi’an == Xian
_DROP = dict.fromkeys(map(ord, "'’‘`´ʼʻ\u02bc\u02bf\u02be\"."), None)
_SPACE = re.compile(r"[\s\-\u2010-\u2015_/,;:()]+")
_LETTERS = str.maketrans(
    {
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ß": "ss",
        "đ": "d",
        "ł": "l",
        "ı": "i",
        "þ": "th",
        "ð": "d",
        "ħ": "h",
    }
)
#: keys of the division-only name space ("utrecht" for "Utrecht Province"), looked up
#: only when the text asks for a division; normalised text never starts with it
A1_SPACE = "\x01"
#: join separator of the column-wise passes: survives every step of ``normalize``
_SEP = "\x00"


def normalize(text: str) -> str:
    """Fold case, diacritics, apostrophes and punctuation so typed forms meet."""
    if text.isascii():  # the common case; same result as the general path
        return _SPACE.sub(" ", text.lower().translate(_DROP)).strip()
    s = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    s = "".join(c for c in s if not unicodedata.combining(c)).translate(_DROP)
    return _SPACE.sub(" ", s).strip()


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, None]:
    """Every combining mark, and ``_DROP``: what ``normalize`` deletes after NFKD.

    Unicode has assigned combining marks only below U+20000 (the last, U+1E94A, in
    Adlam); scanning those planes keeps this at ~20 ms.
    """
    table: dict[int, None] = {cp: None for cp in range(0x20000) if unicodedata.combining(chr(cp))}
    table.update(_DROP)
    return table


_LETTER_RE = re.compile("[" + "".join(chr(k) for k in _LETTERS) + "]")


#: ASCII bytes that ``_SPACE`` turns into a space (``\\s`` plus the punctuation)
_ASCII_SPACE = bytes(c for c in range(128) if _SPACE.fullmatch(chr(c)))
_ASCII_TABLE = bytes.maketrans(_ASCII_SPACE, b" " * len(_ASCII_SPACE))
_ASCII_DROP = bytes(c for c in range(128) if c in _DROP)
_SPACES = re.compile(rb"  +")


def _fold_joined(joined: str, ascii_only: bool) -> list[str]:
    if ascii_only:  # bytes: lower, drop, map separators to spaces, squeeze
        b = joined.encode("ascii").lower().translate(_ASCII_TABLE, _ASCII_DROP)
        b = _SPACES.sub(b" ", b).replace(b" \x00", b"\x00").replace(b"\x00 ", b"\x00")
        return b.strip(b" ").decode("ascii").split(_SEP)
    s = _LETTER_RE.sub(lambda m: str(_LETTERS[ord(m.group())]), joined.casefold())
    s = unicodedata.normalize("NFKD", s).translate(_fold_table())
    s = _SPACE.sub(" ", s).replace(" " + _SEP, _SEP).replace(_SEP + " ", _SEP).strip(" ")
    return s.split(_SEP)


def normalize_many(texts: Sequence[str]) -> list[str]:
    """``[normalize(t) for t in texts]``, column-wise: a few passes over the joined texts.

    Every step of ``normalize`` works character by character (case folding, the
    letter table, NFKD, dropping marks) or cannot cross the separator (the space
    regex), so joining, folding once and splitting gives the same strings, several
    times faster than one Python call per name. ASCII texts take the cheaper path.
    """
    texts = list(texts)
    if not texts:
        return []
    if any(_SEP in t for t in texts):
        return [normalize(t) for t in texts]
    is_ascii = [t.isascii() for t in texts]
    plain = _fold_joined(_SEP.join(t for t, a in zip(texts, is_ascii, strict=True) if a), True)
    other = _fold_joined(_SEP.join(t for t, a in zip(texts, is_ascii, strict=True) if not a), False)
    it_plain, it_other = iter(plain), iter(other)
    return [next(it_plain) if a else next(it_other) for a in is_ascii]


_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3
_MASK64 = 0xFFFFFFFFFFFFFFFF


def key_hash(key: str) -> int:
    """A stable 64-bit hash of a key (FNV-1a over its UTF-8 bytes); Python's
    ``hash`` is salted per process."""
    h = _FNV_OFFSET
    for b in key.encode():
        h = ((h ^ b) * _FNV_PRIME) & _MASK64
    return h


def key_hashes(keys: Sequence[str]) -> np.ndarray:
    """``key_hash`` of every key as uint64, vectorised over the keys' bytes."""
    n = len(keys)
    if n == 0:
        return np.zeros(0, np.uint64)
    buf = np.frombuffer(_SEP.join(keys).encode(), np.uint8)
    ends = np.flatnonzero(buf == 0)
    if len(ends) != n - 1:  # a key holding the separator: hash one by one
        return np.array([key_hash(k) for k in keys], np.uint64)
    starts = np.concatenate([[0], ends + 1])
    lens = np.concatenate([ends, [len(buf)]]) - starts
    order = np.argsort(-lens, kind="stable")
    starts, lens = starts[order], lens[order]
    # how many keys are longer than j, for each byte position j
    longer = len(lens) - np.searchsorted(lens[::-1], np.arange(int(lens[0]) + 1), "right")
    h = np.full(n, _FNV_OFFSET, np.uint64)
    prime = np.uint64(_FNV_PRIME)
    for j in range(int(lens[0])):
        k = int(longer[j])
        part = h[:k]
        part ^= buf[starts[:k] + j]
        part *= prime
    out = np.empty(n, np.uint64)
    out[order] = h
    return out


def latin(text: str) -> bool:
    """Whether a name is written in Latin script (with at least one Latin letter)."""
    return any("a" <= c <= "z" for c in normalize(text)) and all(
        ord(c) < 0x250 or unicodedata.combining(c) for c in text
    )


def latin_key(key: str) -> bool:
    """Whether a normalised key is Latin script (diacritics already folded away)."""
    return key.isascii() or all(ord(c) < 0x250 for c in key)
