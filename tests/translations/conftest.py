"""Fixtures for the translators' workflow: a throw-away copy of the docs, and the CLI in-process."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from sandbox.cli import main

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
MESSAGES = ROOT / "sandbox" / "i18n" / "messages"


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A copy of the real docs (pages, sidecars, hooks, assets) to seed faults into."""
    target = tmp_path / "docs"
    shutil.copytree(DOCS, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """``cli("i18n", "check", lang="fr")``: run ``ds24-sandbox`` in this process."""

    def run(*args: str, lang: str = "en") -> Run:
        monkeypatch.setenv("DS24_LANG", lang)
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def edit(path: Path, old: str, new: str) -> None:
    """Replace one exact passage of a file; fail loudly if the passage is not there."""
    text = path.read_text("utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path}"
    path.write_text(text.replace(old, new), "utf-8")
