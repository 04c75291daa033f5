"""Readers see the status: one strict build of a copy of the guide whose French step 1 changed.

The copy holds ``mkdocs.yml`` and ``docs/`` (pages, sidecars, hooks, assets); the rest of the
repository (``sandbox/``, ``examples/``…) is linked, so hooks and snippets find what they need. It is built
once for this module with ``mkdocs build --strict``, into a temporary folder.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest

from sandbox import i18n
from tests.translations.conftest import DOCS, ROOT, edit

pytestmark = pytest.mark.docs

CHANGED = "Un Zap, c'est une courte phrase"
NOTICE = "ds24-translation-outdated"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("guide")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(DOCS, project / "docs", ignore=shutil.ignore_patterns("__pycache__"))
    # Everything else (the sandbox package, the examples the pages include) is linked, not copied.
    for entry in ROOT.iterdir():
        if entry.name not in {"docs", "mkdocs.yml", "site"} and not entry.name.startswith("."):
            (project / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    edit(project / "docs" / "guide" / "1-zap.fr.md", "Un Zap, c'est une phrase", CHANGED)
    out = project / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(out)],
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    return out


def article(site: Path, url: str) -> str:
    html = (site / url.lstrip("/") / "index.html").read_text("utf-8")
    return html[html.find("<article") : html.rfind("</article>")]


def test_the_outdated_english_page_shows_the_notice_under_its_title(site: Path) -> None:
    html = article(site, "/en/guide/1-zap/")
    notice = re.search(rf'<div class="admonition warning {NOTICE}">(.*?)</div>', html, re.S)
    assert notice, "no notice on the outdated English page"
    assert html.find("<h1") < notice.start() < html.find("<p>A Zap is a sentence")
    assert i18n.t("translations.notice.title", "en") in notice.group(1)
    href = re.search(r'<a href="([^"]+)" hreflang="fr"', notice.group(1))
    assert href and urljoin("/en/guide/1-zap/", href.group(1)) == "/guide/1-zap/"


def test_up_to_date_pages_and_french_pages_have_no_notice(site: Path) -> None:
    assert NOTICE not in article(site, "/guide/1-zap/")
    assert NOTICE not in article(site, "/en/guide/2-trigger/")
    assert NOTICE not in article(site, "/en/")


@pytest.mark.parametrize(("language", "url"), [("fr", "/translation-status/"), ("en", "/en/translation-status/")])
def test_the_status_page_lists_the_outdated_page_with_what_changed(site: Path, language: str, url: str) -> None:
    html = article(site, url)
    rows = dict(re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", html, re.S))
    by_name = {re.sub(r"<[^>]+>", "", name): re.sub(r"<[^>]+>", "", state) for name, state in rows.items()}
    assert by_name["guide/1-zap"] == i18n.t("translations.state.outdated", language)
    assert by_name["guide/2-trigger"] == i18n.t("translations.state.up_to_date", language)
    assert len(by_name) == len(list(DOCS.rglob("*.fr.md")))
    total = len(by_name)
    summary = i18n.t(
        "translations.summary", language, total=total, up_to_date=total - 1, outdated=1, missing=0, orphaned=0
    )
    assert summary.replace(" :", "\u00a0:") in html or summary in html
    # The French diff, in a collapsed block: the new line is there.
    assert "<details" in html and "courte phrase" in html


def test_the_glossary_page_comes_from_the_data_in_each_language(site: Path) -> None:
    french, english = article(site, "/glossary/"), article(site, "/en/glossary/")
    assert "<th>En français</th>" in french and "<th>In English</th>" in english
    assert "<td>Nouvel Événement de Commande</td>\n<td>New Order Event</td>" in french
    assert "<td>New Order Event</td>\n<td>Nouvel Événement de Commande</td>" in english
    assert "i18n:" not in french + english
