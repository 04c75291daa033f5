"""Every ds24-sandbox command the guide shows is one the CLI accepts, in both languages."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from sandbox.cli import build_parser

DOCS = Path(__file__).resolve().parents[2] / "docs"
COMMAND = re.compile(r"^\s*(?:\.venv/bin/)?ds24-sandbox\s+(.+?)\s*$")


def shown_commands() -> list[tuple[str, int, str]]:
    found = []
    for page in sorted(DOCS.rglob("*.md")):
        in_code = False
        for number, line in enumerate(page.read_text("utf-8").splitlines(), start=1):
            if line.strip().startswith("```"):
                in_code = not in_code
                continue
            match = COMMAND.match(line)
            if in_code and match and "…" not in line:
                found.append((str(page.relative_to(DOCS)), number, match.group(1)))
    return found


def test_the_guide_shows_commands() -> None:
    pages = {page for page, _, _ in shown_commands()}
    assert any(page.startswith("developers.fr") for page in pages)
    assert any(page.startswith("developers.en") for page in pages)


@pytest.mark.parametrize("page, line, command", shown_commands(), ids=lambda value: str(value))
def test_each_shown_command_parses(page: str, line: int, command: str) -> None:
    words = shlex.split(command.split(" #")[0])
    # Placeholders written in capitals (PRODUCT_ID, ID_DE_LA_CONNEXION…) stand for ids.
    words = ["1" if re.fullmatch(r"[A-Z_ÉÈ]+", word) else word for word in words]
    try:
        build_parser().parse_args(words)
    except SystemExit as error:
        pytest.fail(f"{page}:{line}: `ds24-sandbox {command}` is refused by the CLI (exit {error.code})")
