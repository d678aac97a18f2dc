"""Text helpers for Chinese: pinyin initials for search and autocomplete."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4096)
def initials(text: str) -> str:
    """Lower-case pinyin initials of the Chinese characters, other letters and digits kept: 麦当劳 -> mdl."""
    from pypinyin import Style, lazy_pinyin  # imported on first use: it loads large dictionaries

    out = []
    for syllable in lazy_pinyin(text or "", style=Style.FIRST_LETTER, errors="default"):
        out.extend(ch.lower() for ch in syllable if ch.isascii() and ch.isalnum())
    return "".join(out)


FIELD_SEPARATOR = "\x1f"  # keeps a search term from matching across two fields


def search_text(*, case_no: str | None = None, name: str | None = None, phone: str | None = None,
                respondent: str | None = None, item: str | None = None, facts: str | None = None,
                external_no: str | None = None) -> str:
    """The text the register's search box looks in: the fields themselves, lower-cased, plus the pinyin
    initials of the respondent and the item (so "mdl" finds 麦当劳)."""
    parts = [case_no, name, phone, respondent, item, facts, external_no]
    if respondent:
        parts.append(initials(respondent))
    if item:
        parts.append(initials(item))
    return FIELD_SEPARATOR.join((p or "").lower() for p in parts if p)
