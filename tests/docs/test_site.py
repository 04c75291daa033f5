"""The built guide: both languages, same anchors and structure, switcher, no outside loads,
catalog tables complete, search index for both languages."""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest

from sandbox import i18n
from sandbox.ipn import events, fields
from tests.docs.conftest import LANGUAGES, Page, article, parse, text_of

pytestmark = pytest.mark.docs

OTHER = {"fr": "en", "en": "fr"}
EXTERNAL = re.compile(r"^\s*(?:https?:)?//", re.I)
CSS_EXTERNAL_URL = re.compile(r"url\(\s*['\"]?\s*(?:https?:)?//", re.I)
CSS_IMPORT = re.compile(r"@import", re.I)
WEB_FONT_HOSTS = ("fonts.googleapis", "fonts.gstatic")
# Attributes that make the browser fetch something. <a href> is a link for the reader.
FETCHING = {"src", "srcset", "href", "data", "poster", "xlink:href", "action", "formaction", "background"}


def read(path: Path) -> str:
    return path.read_text("utf-8")


def built_html(site: Path, page: Page, language: str) -> str:
    return read(page.built(site, language))


def test_every_page_is_built_in_both_languages(site: Path, pages: list[Page]) -> None:
    missing = [
        str(page.built(site, lang)) for page in pages for lang in LANGUAGES if not page.built(site, lang).exists()
    ]
    assert not missing, f"pages not built: {missing}"
    assert (site / "index.html").exists() and (site / "en" / "index.html").exists()


def test_html_lang_matches_the_language(site: Path, pages: list[Page]) -> None:
    for page in pages:
        for language in LANGUAGES:
            assert f'<html lang="{language}"' in built_html(site, page, language), (page.name, language)


def heading_ids(html: str) -> list[str]:
    return [attrs["id"] for tag, attrs in parse(article(html)).tags if re.fullmatch(r"h[1-6]", tag) and "id" in attrs]


def test_heading_anchors_are_identical(site: Path, pages: list[Page]) -> None:
    for page in pages:
        french = heading_ids(built_html(site, page, "fr"))
        english = heading_ids(built_html(site, page, "en"))
        assert french, f"{page.name}: no heading ids"
        assert french == english, f"{page.name}: anchors differ\n" + "\n".join(
            difflib.unified_diff(french, english, "fr", "en", lineterm="")
        )


def structure(html: str) -> list[str]:
    """The page's skeleton: headings, admonitions, panels, images, tables, code, tabs, links."""
    found: list[str] = []
    # An outdated English page's notice (docs/hooks/translations.py) is meant for English
    # readers only; `ds24-sandbox i18n check` is what reports the page as outdated.
    page = re.sub(r'<div class="admonition warning ds24-translation-outdated">.*?</div>', "", article(html), flags=re.S)
    for tag, attrs in parse(page).tags:
        classes = attrs.get("class", "").split()
        if re.fullmatch(r"h[1-6]", tag):
            found.append(f"{tag}#{attrs.get('id', '')}")
        elif tag == "div" and "admonition" in classes:
            found.append("admonition:" + " ".join(sorted(set(classes) - {"admonition"})))
        elif tag == "details":
            found.append("details:" + " ".join(sorted(classes)))
        elif tag == "div" and "ds24-panel" in classes:
            found.append(f"panel:{attrs.get('data-panel')}")
        elif tag == "div" and "tabbed-set" in classes:
            found.append("tabs")
        elif tag == "img":
            found.append(f"img:{attrs.get('src')}")
        elif tag in ("table", "pre", "figure", "ol", "ul"):
            found.append(tag)
        elif tag == "a" and "href" in attrs and "headerlink" not in classes:
            found.append(f"a:{attrs['href']}")
    return found


def test_pages_have_the_same_structure_in_both_languages(site: Path, pages: list[Page]) -> None:
    for page in pages:
        french = structure(built_html(site, page, "fr"))
        english = structure(built_html(site, page, "en"))
        assert french == english, f"{page.name}: structure differs\n" + "\n".join(
            difflib.unified_diff(french, english, "fr", "en", lineterm="")
        )


def switcher_links(html: str) -> dict[str, str]:
    return {
        attrs["hreflang"]: attrs["href"]
        for tag, attrs in parse(html).tags
        if tag == "a" and "md-select__link" in attrs.get("class", "").split()
    }


def test_language_switcher_lands_on_the_same_page(site: Path, pages: list[Page]) -> None:
    for page in pages:
        for language in LANGUAGES:
            links = switcher_links(built_html(site, page, language))
            assert set(links) == set(LANGUAGES), (page.name, language, links)
            for target, href in links.items():
                landing = urljoin(page.url(language), href)
                assert landing == page.url(target), f"{page.name} [{language}] → {target}: {href} lands on {landing}"


def test_switcher_names_the_languages(site: Path) -> None:
    html = read(site / "index.html")
    assert re.search(r'hreflang="fr"[^>]*>\s*Français\s*<', html)
    assert re.search(r'hreflang="en"[^>]*>\s*English\s*<', html)


def test_nothing_is_loaded_from_outside(site: Path) -> None:
    problems: list[str] = []
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        where = path.relative_to(site).as_posix()
        suffix = path.suffix.lower()
        if suffix in (".html", ".svg"):
            text = read(path)
            parsed = parse(text)
            for tag, attrs in parsed.tags:
                if tag == "a" and suffix == ".html":
                    continue  # a link the reader may follow
                for name, value in attrs.items():
                    if name in FETCHING and any(EXTERNAL.match(part) for part in value.split(",")):
                        problems.append(f"{where}: <{tag} {name}={value!r}>")
                    if name == "style" and CSS_EXTERNAL_URL.search(value):
                        problems.append(f"{where}: <{tag} style> loads {value!r}")
            for style in parsed.styles:
                if CSS_EXTERNAL_URL.search(style) or CSS_IMPORT.search(style):
                    problems.append(f"{where}: <style> loads from outside")
        elif suffix == ".css":
            text = read(path)
            if CSS_EXTERNAL_URL.search(text):
                problems.append(f"{where}: url() from outside")
            if CSS_IMPORT.search(text):
                problems.append(f"{where}: @import")
        if suffix in (".html", ".css", ".js", ".svg") and any(host in read(path) for host in WEB_FONT_HOSTS):
            problems.append(f"{where}: mentions a web font host")
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- catalog tables


def table_text(html: str) -> str:
    """Text of the tables the hook rendered (inside ``div.ds24-catalog``)."""
    blocks = re.findall(r'<div class="ds24-catalog">(.*?)</div>', article(html), re.S)
    assert ' markdown="' not in html and " markdown>" not in html, "md_in_html left an attribute"
    assert blocks, "no catalog table on the page"
    return text_of("".join(blocks))


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("language", LANGUAGES)
def test_event_tables_list_every_event_in_the_page_language(site: Path, language: str) -> None:
    text = table_text(built_html(site, Page("reference/events"), language))
    for event in events.events():
        assert f"{event.name}" in text, event.name
        assert normalise(event.description[language]) in text, (event.name, language)
        other = event.description[OTHER[language]]
        if other != event.description[language]:
            assert normalise(other) not in text, f"{event.name}: {OTHER[language]} description on a {language} page"
    for action in events.eticket_actions():
        assert action.action in text and action.zapier in text
        assert normalise(action.label[language]) in text, (action.action, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_field_tables_list_every_field_in_the_page_language(site: Path, language: str) -> None:
    html = built_html(site, Page("reference/fields"), language)
    text = table_text(html)
    for field in fields.fields():
        assert field.name in text, field.name
        assert normalise(field.description[language]) in text, (field.name, language)
        other = field.description[OTHER[language]]
        if normalise(other) != normalise(field.description[language]):
            assert normalise(other) not in text, f"{field.name}: {OTHER[language]} description on a {language} page"
    ids = heading_ids(html)
    for group in fields.groups():
        assert f"fields-{group}" in ids, f"no heading for field group {group}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_column_headers_are_localised(site: Path, language: str) -> None:
    labels = json.loads(read(Path(__file__).resolve().parents[2] / "docs" / "hooks" / "catalog_labels.json"))
    html = article(built_html(site, Page("reference/fields"), language))
    headers = [normalise(text_of(cell)) for cell in re.findall(r"<th[^>]*>(.*?)</th>", html, re.S)]
    for key in ("col.field", "col.type", "col.description", "col.confidence"):
        assert normalise(text_of(labels[language][key])) in headers, (key, language)
        if labels["fr"][key] != labels["en"][key]:
            assert normalise(text_of(labels[OTHER[language]][key])) not in headers


@pytest.mark.parametrize("language", LANGUAGES)
def test_troubleshooting_lists_every_send_decision(site: Path, language: str) -> None:
    text = table_text(built_html(site, Page("troubleshooting"), language))
    codes = [key.removeprefix("decision.") for key in i18n.catalog(language) if key.startswith("decision.")]
    assert codes
    for code in codes:
        assert code in text, code


def test_confidence_marks_carry_their_meaning(site: Path) -> None:
    html = article(built_html(site, Page("reference/events"), "fr"))
    marks = re.findall(r'<span class="ds24-conf ds24-conf-[^"]+" title="([^"]+)">\[([^\]]+)\]</span>', html)
    assert {mark for _, mark in marks} >= {"2+", "1", "inf"}
    assert all(title for title, _ in marks)


# --------------------------------------------------------------------------- search


def test_search_index_covers_both_languages(site: Path, pages: list[Page]) -> None:
    index = json.loads(read(site / "search" / "search_index.json"))
    assert {"fr", "en"} <= set(index["config"]["lang"])
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    for page in pages:
        for language in LANGUAGES:
            assert page.url(language).lstrip("/") in locations, (page.name, language)
    # Material's search runs locally, with lunr's French support shipped in the theme.
    assert (site / "assets" / "javascripts" / "lunr" / "min" / "lunr.fr.min.js").exists()
    titles = {doc["title"] for doc in index["docs"]}
    assert "Glossaire" in titles and "Glossary" in titles


# --------------------------------------------------------------------------- examples


def shown_examples(html: str) -> list[dict[str, str]]:
    """The example messages of a page, read back from their ``name=value`` lines."""
    found = []
    for block in re.findall(r'<div class="[^"]*\bds24-example\b[^"]*">(.*?)</div>', article(html), re.S):
        text = "".join(parse(block).text)
        lines = [line for line in text.splitlines() if "=" in line and not line.startswith("#")]
        found.append(dict(line.split("=", 1) for line in lines))
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_examples_are_real_signed_messages_in_the_page_language(site: Path, language: str) -> None:
    from sandbox.digistore24 import examples
    from sandbox.ipn import signing

    labels = json.loads(read(Path(__file__).resolve().parents[2] / "docs" / "hooks" / "catalog_labels.json"))
    html = built_html(site, Page("reference/events"), language)
    shown = shown_examples(html)
    assert [message["event"] for message in shown] == ["on_payment", "on_affiliation", "eticket"]
    for message in shown:
        assert signing.verify(message, examples.PASSPHRASE), message["event"]
        assert message == examples.example_payload(message["event"], message.get("action"))
    assert labels[language]["example.comment"] in text_of(html)
    assert f"`{examples.PASSPHRASE}`" in read(Page("reference/events").source(language))
    assert shown_examples(built_html(site, Page("guide/6-test-payment"), language))[0]["api_mode"] == "test"
