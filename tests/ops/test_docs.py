"""The docs a newcomer reads agree with the code: the README's settings table is the one
``Settings`` renders (so a new setting must be documented), and relative links resolve inside the
repository (a clone has no ../shared)."""

from __future__ import annotations

import re
from pathlib import Path

from app.settings_table import END, START, render, undocumented

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_every_setting_has_a_docstring() -> None:
    assert undocumented() == [], "give each of these a docstring in app/config.py (its meaning in the README)"


def test_the_readme_settings_table_is_the_generated_one() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert START in text and END in text
    shown = text.split(START, 1)[1].split(END, 1)[0].strip("\n") + "\n"
    assert shown == render(), "the settings table is stale: python -m app.settings_table --write README.md"


def test_relative_links_resolve_inside_the_repository() -> None:
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if re.match(r"^[a-z]+:", target):
                continue
            resolved = (doc.parent / target).resolve()
            assert resolved.is_relative_to(ROOT), f"{doc.name} links outside the repository: {target}"
            assert resolved.exists(), f"{doc.name}: broken link {target}"
