"""Text helpers for Chinese: pinyin initials for search and autocomplete."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Protocol


@lru_cache(maxsize=4096)
def initials(text: str) -> str:
    """Lower-case pinyin initials of the Chinese characters, other letters and digits kept: 麦当劳 -> mdl."""
    from pypinyin import Style, lazy_pinyin  # imported on first use: it loads large dictionaries

    out: list[str] = []
    for syllable in lazy_pinyin(text or "", style=Style.FIRST_LETTER, errors="default"):
        out.extend(ch.lower() for ch in syllable if ch.isascii() and ch.isalnum())
    return "".join(out)


# characters no document or workbook can hold (XML 1.0 refuses them; openpyxl raised IllegalCharacterError):
# the control characters but tab, line feed and carriage return, U+FFFE and U+FFFF, and halves of a
# surrogate pair on their own (a UTF-8 file cannot even be written with one). Word's line and page breaks
# (vertical tab, form feed) become line breaks, the rest is dropped.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_BREAKS = re.compile(r"[\x0b\x0c]")


def plain_text(text: str) -> str:
    """``text`` without the control characters above (pasted from Word, they came in as a box)."""
    if CONTROL.search(text) is None:
        return text
    return CONTROL.sub("", _BREAKS.sub("\n", text))


FIELD_SEPARATOR = "\x1f"  # keeps a search term from matching across two fields


def search_text(
    *,
    case_no: str | None = None,
    name: str | None = None,
    phone: str | None = None,
    respondent: str | None = None,
    item: str | None = None,
    facts: str | None = None,
    external_no: str | None = None,
    id_number: str | None = None,
) -> str:
    """The text the register's search box looks in: the fields themselves, lower-cased, plus the pinyin
    initials of the consumer, the respondent and the item (so "mdl" finds 麦当劳, "zxd" 赵晓东); an ID
    number is found by any part of it, its last digits too."""
    parts = [case_no, name, phone, id_number, respondent, item, facts, external_no]
    for text in (name, respondent, item):
        if text:
            parts.append(initials(text))
    return FIELD_SEPARATOR.join((p or "").lower() for p in parts if p)


class SearchFields(Protocol):
    """What the search text is made of: a Record, or a parsed ledger row with the same attribute names."""

    case_no: str
    complainant_name: str | None
    phone: str | None
    respondent_name: str | None
    item: str | None
    facts: str | None
    external_no: str | None
    id_number: str | None


def record_search_text(record: SearchFields) -> str:
    """``search_text`` of a record (a model instance, or anything with its attribute names)."""
    return search_text(
        case_no=record.case_no,
        name=record.complainant_name,
        phone=record.phone,
        respondent=record.respondent_name,
        item=record.item,
        facts=record.facts,
        external_no=record.external_no,
        id_number=record.id_number,
    )
