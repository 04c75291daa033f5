"""Fixtures for the guide's tests: one strict build per session, and small HTML helpers.

The build runs ``python -m mkdocs build --strict`` with the interpreter running the tests,
into a temporary folder, so nothing is written into the work tree.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
BUILD_TIMEOUT = 120


@dataclass(frozen=True)
class Page:
    """One page of the guide, known by its name without language suffix (``guide/1-zap``)."""

    name: str

    def source(self, language: str) -> Path:
        return DOCS / f"{self.name}.{language}.md"

    def url(self, language: str) -> str:
        """The page's absolute URL path on the site, as the sandbox serves it."""
        prefix = "/" if language == DEFAULT_LANGUAGE else f"/{language}/"
        if self.name == "index":
            return prefix
        return f"{prefix}{self.name}/"

    def built(self, site: Path, language: str) -> Path:
        return site / self.url(language).lstrip("/") / "index.html"


def source_pages() -> list[Page]:
    """Every page name that has at least one language file."""
    names = set()
    for path in DOCS.rglob("*.md"):
        relative = path.relative_to(DOCS).as_posix()
        match = re.fullmatch(r"(.+)\.([a-z]{2})\.md", relative)
        names.add(match.group(1) if match else relative.removesuffix(".md"))
    return [Page(name) for name in sorted(names)]


@pytest.fixture(scope="session")
def pages() -> list[Page]:
    return source_pages()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The guide built once per session with ``mkdocs build --strict``."""
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    return out


@pytest.fixture(scope="session")
def hook() -> ModuleType:
    """The catalog hook, loaded from its file the way MkDocs loads hooks."""
    path = DOCS / "hooks" / "catalog_tables.py"
    spec = importlib.util.spec_from_file_location("ds24_catalog_tables_under_test", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------- HTML helpers


class Elements(HTMLParser):
    """Every start tag with its attributes, in document order, plus the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))
        self._in_style = tag == "style"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)
        self.text.append(data)


def parse(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser


def article(html: str) -> str:
    """The page's own content: Material puts it in the one ``<article>`` of the page."""
    start = html.find("<article")
    end = html.rfind("</article>")
    assert start != -1 and end != -1, "no <article> in the page"
    return html[start:end]


def text_of(html: str) -> str:
    """Visible text with whitespace collapsed, for comparing with catalog strings."""
    return re.sub(r"\s+", " ", "".join(parse(html).text))
