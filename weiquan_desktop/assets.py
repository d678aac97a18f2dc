"""Locate files shipped in resources/ and forms/.

Installed, they sit inside the package (weiquan_desktop/resources); in a source checkout they sit at the
top of the repository. A frozen (PyInstaller) build keeps the package layout.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _locate(folder: str) -> Path:
    for candidate in (_PACKAGE_DIR / folder, _PACKAGE_DIR.parent / folder):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"{folder}/ not found beside {_PACKAGE_DIR}")


def resource_path(*parts: str) -> Path:
    return _locate("resources").joinpath(*parts)


def form_path(name: str) -> Path:
    return _locate("forms") / name


FONT_FILE = ("fonts", "wqy-microhei.ttc")
FONT_FAMILY = "WenQuanYi Micro Hei"


def font_file() -> Path:
    return resource_path(*FONT_FILE)
