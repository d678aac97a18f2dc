"""De-identification of personal data on screens, prints and exports (spec/ledger.md, GB/T 35273)."""

from __future__ import annotations

from collections.abc import Sequence


def mask_name(name: str | None) -> str:
    """张三 -> 张*; the first character kept, each other one '*'."""
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1)


def mask_known(text: str | None, names: Sequence[str | None], phones: Sequence[str | None] = ()) -> str:
    """Free text (who attended, what was said) with the case's own people and numbers masked where they appear."""
    out = text or ""
    for name in names:
        if name and len(name) > 1 and name in out:
            out = out.replace(name, mask_name(name))
    for phone in phones:
        if phone and phone in out:  # an export asks this of every note: mask only what is there
            out = out.replace(phone, mask_phone(phone))
    return out


def mask_phone(phone: str | None) -> str:
    """13812345678 -> 138****5678: the first 3 and last 4 digits kept."""
    if not phone:
        return ""
    digits = [i for i, ch in enumerate(phone) if ch.isdigit()]
    if len(digits) <= 7:
        return phone[:3] + "*" * max(len(phone) - 3, 0)
    keep = set(digits[:3] + digits[-4:])
    return "".join(ch if (i in keep or not ch.isdigit()) else "*" for i, ch in enumerate(phone))


def mask_id(number: str | None) -> str:
    """The first 4 and last 4 characters kept, the rest '*'."""
    if not number:
        return ""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_address(address: str | None) -> str:
    """The first 6 characters kept, then ****."""
    if not address:
        return ""
    return address[:6] + "****" if len(address) > 6 else address
