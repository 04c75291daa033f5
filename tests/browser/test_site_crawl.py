"""Every page of the built guide loads in Chromium, in both languages: crawled from the two home
pages by their links, each answers 200, its panels load, no console error, no request to any
host but the server under test, every link to an anchor lands on an element of that page, and
the crawl reaches every page the build made."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest

from tests.browser.conftest import Session
from tests.browser.reader import name_of

pytestmark = pytest.mark.browser

# Links as the reader finds them once the page ran (the panels add "Step N" links), except the
# index links Material puts inside code annotations: its script handles those, no id exists.
# Pictures too: the guide's screenshots load lazily, so the crawl asks for each one itself.
PAGE = """() => ({
    links: [...document.querySelectorAll('a[href]:not(.md-annotation__index)')].map((a) => a.href),
    ids: [...document.querySelectorAll('[id]')].map((el) => el.id),
    images: [...document.images].map((img) => img.src),
})"""


def built_pages(site: Path) -> set[str]:
    pages = set()
    for index in site.rglob("index.html"):
        folder = index.parent.relative_to(site).as_posix()
        pages.add("/" if folder == "." else f"/{folder}/")
    return pages


def test_every_page_loads_in_both_languages(browser_session: Session, guide_site: Path) -> None:
    reader = browser_session.reader()
    server = browser_session.server
    queue, seen = ["/", "/en/"], set()
    ids: dict[str, set[str]] = {}
    anchors: list[tuple[str, str, str]] = []  # (from page, to page, #id)
    files: set[str] = set()
    images: set[str] = set()
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        name, language = name_of(path)
        reader.open(name, language)  # 200, the page's language, every panel loaded, no panel error
        found = reader.page.evaluate(PAGE)
        ids[path] = set(found["ids"])
        images.update(urlsplit(src).path for src in found["images"])
        for href in found["links"]:
            url, fragment = urldefrag(href)
            parts = urlsplit(url)
            if parts.netloc != server.netloc:
                continue  # a link out (zapier.com…): the reader may follow it, the crawl does not
            target = parts.path
            if target.endswith("/"):
                queue.append(target)
                if fragment:
                    anchors.append((path, target, fragment))
            else:
                files.add(target)

    built = built_pages(guide_site)
    assert seen == built, f"not reached: {sorted(built - seen)}; not built: {sorted(seen - built)}"
    assert len(seen) >= 30 and {"/", "/en/", "/guide/9-test-and-turn-on/", "/en/troubleshooting/"} <= seen
    missing = [f"{page} → {target}#{fragment}" for page, target, fragment in anchors if fragment not in ids[target]]
    assert not missing, "links to anchors that do not exist:\n" + "\n".join(missing)
    with server.api() as api:
        answers = {path: api.get(path) for path in sorted(files | images)}
    broken = [f"{path}: {answer.status_code}" for path, answer in answers.items() if answer.status_code != 200]
    assert not broken, broken
    shots = {path for path in images if "/screenshots/" in path}
    assert len(shots) >= 8, f"the guide's screenshots, in both languages: {sorted(shots)}"
    assert all(answers[path].headers["content-type"] == "image/png" for path in shots)
    reader.assert_clean()
