"""The guide's sources: language pairs, anchors on every heading, panels, markers, diagrams,
configuration, and the code and field names the pages show."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from sandbox.ipn import fields, signing
from tests.docs.conftest import DOCS, LANGUAGES, ROOT, Page, source_pages

pytestmark = pytest.mark.docs

PANELS = {
    "trigger",
    "connect",
    "products",
    "options",
    "test-payment",
    "action",
    "template",
    "zap-test",
    "zap-on",
    "results",
    "events",
    "scenario",
}
PANEL = re.compile(r'<div class="ds24-panel" data-panel="([^"]*)"></div>')
ANY_PANEL = re.compile(r"ds24-panel")
MARKER = re.compile(r"<!--\s*ds24:[^>]*-->")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
HEADING_ID = re.compile(r"\{\s*#[a-z0-9][a-z0-9-]*\s*\}$")
PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
FENCE = re.compile(r"^\s*(```+|~~~+)")
PAGE_NAMES = [page.name for page in source_pages()]


def read(path: Path) -> str:
    return path.read_text("utf-8")


def prose_lines(text: str) -> list[tuple[int, str]]:
    """Lines outside fenced code blocks, with their 1-based numbers."""
    lines, fence = [], ""
    for number, line in enumerate(text.splitlines(), start=1):
        match = FENCE.match(line)
        if match:
            mark = match.group(1)
            if not fence:
                fence = mark
            elif mark.startswith(fence[0]) and len(mark) >= len(fence):
                fence = ""
            continue
        if not fence:
            lines.append((number, line))
    return lines


def test_every_page_exists_in_both_languages() -> None:
    problems = []
    for path in DOCS.rglob("*.md"):
        relative = path.relative_to(DOCS).as_posix()
        match = re.fullmatch(r"(.+)\.(fr|en)\.md", relative)
        if not match:
            problems.append(f"{relative}: no language suffix (.fr.md / .en.md)")
            continue
        other = "en" if match.group(2) == "fr" else "fr"
        if not (DOCS / f"{match.group(1)}.{other}.md").exists():
            problems.append(f"{relative}: no {other} translation")
    assert not problems, "\n".join(problems)


def test_the_expected_pages_are_there() -> None:
    expected = {"index", "troubleshooting", "glossary", "developers", "reference/events", "reference/fields"}
    expected |= {"translators", "translation-status"}
    expected |= {
        f"guide/{name}"
        for name in (
            "1-zap",
            "2-trigger",
            "3-connect",
            "4-products",
            "5-options",
            "6-test-payment",
            "7-action",
            "8-template",
            "9-test-and-turn-on",
        )
    }
    assert set(PAGE_NAMES) == expected


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_heading_has_an_explicit_anchor(name: str) -> None:
    for language in LANGUAGES:
        path = Page(name).source(language)
        for number, line in prose_lines(read(path)):
            match = HEADING.match(line)
            if match and not HEADING_ID.search(match.group(2)):
                pytest.fail(f"{path.relative_to(ROOT)}:{number}: heading without {{ #id }}: {line}")


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_panels_are_well_formed_and_in_the_same_order(name: str) -> None:
    found = {}
    for language in LANGUAGES:
        path = Page(name).source(language)
        lines = read(path).splitlines()
        names = []
        for index, line in enumerate(lines):
            if not ANY_PANEL.search(line):
                continue
            match = PANEL.fullmatch(line)
            assert match, f"{path.relative_to(ROOT)}:{index + 1}: write panels exactly as the template: {line}"
            assert match.group(1) in PANELS, f"{path.relative_to(ROOT)}: unknown panel {match.group(1)!r}"
            before = lines[index - 1] if index else ""
            after = lines[index + 1] if index + 1 < len(lines) else ""
            assert before.strip() == "" and after.strip() == "", f"{path.relative_to(ROOT)}: blank lines around panels"
            names.append(match.group(1))
        found[language] = names
    assert found["fr"] == found["en"], f"{name}: panels differ {found}"


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_catalog_markers_are_the_same_in_both_languages(name: str) -> None:
    markers = {language: MARKER.findall(read(Page(name).source(language))) for language in LANGUAGES}
    assert markers["fr"] == markers["en"], f"{name}: catalog markers differ"


def test_the_guide_covers_every_panel() -> None:
    used = set()
    for name in PAGE_NAMES:
        used |= set(PANEL.findall(read(Page(name).source("fr"))))
    assert used == PANELS, f"panels never placed: {sorted(PANELS - used)}"


def test_placeholders_shown_in_the_guide_are_real_fields() -> None:
    known = {field.name for field in fields.fields()}
    unknown = []
    for path in DOCS.rglob("*.md"):
        for name in PLACEHOLDER.findall(read(path)):
            if name not in known and name != "…":
                unknown.append(f"{path.relative_to(DOCS)}: {{{{{name}}}}}")
    assert not unknown, "\n".join(unknown)


def test_backticked_field_names_in_the_guide_exist() -> None:
    """A `name` that looks like an IPN field must be one, so the prose cannot drift."""
    known = {field.name for field in fields.fields()}
    prefixes = ("order_", "transaction_", "billing_", "pay_", "buyer_", "eticket_", "affiliate_", "address_")
    unknown = []
    for path in DOCS.rglob("*.md"):
        for name in re.findall(r"`([a-z_]+)`", read(path)):
            if name.startswith(prefixes) and name not in known:
                unknown.append(f"{path.relative_to(DOCS)}: `{name}`")
    assert not unknown, "\n".join(unknown)


# --------------------------------------------------------------------------- diagrams


DIAGRAMS = DOCS / "assets" / "diagrams"


def test_diagrams_exist_in_both_languages_and_are_used() -> None:
    names = {re.sub(r"\.(fr|en)\.svg$", ".svg", path.name) for path in DIAGRAMS.glob("*.svg")}
    assert {"flow.svg", "triggers.svg", "option-filters.svg"} <= names
    sources = "".join(read(path) for path in DOCS.rglob("*.md"))
    for name in names:
        stem = name.removesuffix(".svg")
        for language in LANGUAGES:
            assert (DIAGRAMS / f"{stem}.{language}.svg").exists(), f"{stem}.{language}.svg is missing"
        assert f"assets/diagrams/{name}" in sources, f"{name} is not used by any page"


@pytest.mark.parametrize("path", sorted(DIAGRAMS.glob("*.svg")), ids=lambda path: path.name)
def test_diagrams_are_self_contained(path: Path) -> None:
    text = read(path)
    assert "system-ui, sans-serif" in text
    assert "<script" not in text and "@import" not in text and "@font-face" not in text
    references = re.findall(r'(?:xlink:)?href="([^"]*)"', text)
    assert all(ref.startswith("#") for ref in references), references
    assert "<title" in text and "<desc" in text, "diagrams need a title and a description for screen readers"


def test_diagram_text_is_in_its_language() -> None:
    assert "Le Zap se déclenche" in read(DIAGRAMS / "option-filters.fr.svg")
    assert "The Zap fires" in read(DIAGRAMS / "option-filters.en.svg")
    assert "Un client paie" in read(DIAGRAMS / "flow.fr.svg")
    assert "A customer pays" in read(DIAGRAMS / "flow.en.svg")


# --------------------------------------------------------------------------- configuration


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml without importing what its ``!!python/name`` tags point to."""


_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: suffix)


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    return yaml.load(read(ROOT / "mkdocs.yml"), Loader=_Loader)


def nav_titles(items: list[Any]) -> list[str]:
    titles = []
    for item in items:
        if isinstance(item, dict):
            for title, value in item.items():
                titles.append(title)
                if isinstance(value, list):
                    titles += nav_titles(value)
    return titles


def test_theme_loads_nothing_from_outside_and_keeps_instant_off(config: dict[str, Any]) -> None:
    theme = config["theme"]
    assert theme["name"] == "material"
    assert theme["font"] is False
    assert "navigation.instant" not in theme["features"]
    assert {"content.code.copy", "navigation.footer"} <= set(theme["features"])
    assert len(theme["palette"]) == 2 and all("toggle" in scheme for scheme in theme["palette"])


def test_i18n_and_nav_translations(config: dict[str, Any]) -> None:
    plugins = {next(iter(item)) if isinstance(item, dict) else item: item for item in config["plugins"]}
    assert "search" in plugins
    i18n = plugins["i18n"]["i18n"]
    assert i18n["docs_structure"] == "suffix"
    languages = {language["locale"]: language for language in i18n["languages"]}
    assert languages["fr"]["default"] is True and languages["fr"]["name"] == "Français"
    assert languages["en"]["name"] == "English"
    assert languages["en"].get("link", "/en/") == "/en/"
    translations = languages["en"]["nav_translations"]
    missing = [title for title in nav_titles(config["nav"]) if title not in translations]
    assert not missing, f"nav titles without an English translation: {missing}"


def test_hooks_and_assets_are_wired(config: dict[str, Any]) -> None:
    assert config["hooks"][0] == "docs/hooks/catalog_tables.py"
    assert "assets/panels.css" in config["extra_css"]
    assert config["extra_javascript"] == ["assets/panels.js"]
    for asset in ("panels.css", "panels.js", "guide.css"):
        assert (DOCS / "assets" / asset).exists()
    extensions = [next(iter(item)) if isinstance(item, dict) else item for item in config["markdown_extensions"]]
    expected = (
        "admonition",
        "pymdownx.details",
        "pymdownx.superfences",
        "pymdownx.tabbed",
        "attr_list",
        "md_in_html",
        "toc",
        "tables",
    )
    for name in expected:
        assert name in extensions, name


ICON_SHORTCODE = re.compile(r":(?:material|octicons|fontawesome|simple)-[a-z0-9-]+:")


def test_no_icon_shortcodes_without_the_emoji_extension(config: dict[str, Any]) -> None:
    """pymdownx.emoji is left out (its icon index slows every build); a shortcode would show as text."""
    extensions = [next(iter(item)) if isinstance(item, dict) else item for item in config["markdown_extensions"]]
    if "pymdownx.emoji" in extensions:
        return
    offenders = [
        f"{page.relative_to(DOCS)}:{number}"
        for page in sorted(DOCS.rglob("*.md"))
        for number, line in prose_lines(read(page))
        if ICON_SHORTCODE.search(line)
    ]
    assert not offenders, f"icon shortcodes need pymdownx.emoji; drop them or use inline SVG: {offenders}"


def test_no_absolute_machine_paths() -> None:
    paths = [ROOT / "mkdocs.yml", *DOCS.rglob("*.md"), *DOCS.rglob("*.py"), *DOCS.rglob("*.json")]
    paths += [*DOCS.rglob("*.css"), *DOCS.rglob("*.js")]
    paths += [path for path in Path(__file__).parent.glob("*.py") if path != Path(__file__)]
    pattern = re.compile(r"(/work/|/tmp/|/home/|/root/|[A-Z]:\\\\)")
    offenders = [str(path.relative_to(ROOT)) for path in paths if pattern.search(read(path))]
    assert not offenders, offenders


# --------------------------------------------------------------------------- developers page


def python_blocks(text: str) -> str:
    return "\n\n".join(re.findall(r"```python\n(.*?)```", text, re.S))


@pytest.mark.parametrize("language", LANGUAGES)
def test_developer_python_verifies_like_the_sandbox(language: str) -> None:
    text = read(Page("developers").source(language))
    namespace: dict[str, Any] = {}
    exec(compile(python_blocks(text), f"developers.{language}.md", "exec"), namespace)
    ds24_signature, is_genuine = namespace["ds24_signature"], namespace["is_genuine"]
    samples = [
        {"event": "on_payment", "order_id": "SBX12345", "amount": "49.00", "voucher_code": "", "pay_sequence_no": "0"},
        {"b": "2", "a": "1", "B": "3", "buyer_last_name": "Müller", "note": "a+b/c=d@e", "sha_sign": "X"},
    ]
    for fields_ in samples:
        for upper in (False, True):
            assert ds24_signature(fields_, "secret", upper_keys=upper) == signing.sign(
                fields_, "secret", upper_keys=upper
            )
        good = signing.signed({k: v for k, v in fields_.items() if k != "sha_sign"}, "secret")
        assert is_genuine(good, "secret")
        assert is_genuine({**good, "sha_sign": good["sha_sign"].lower()}, "secret")
        assert not is_genuine({**good, "order_id": "CHANGED"}, "secret")
        assert not is_genuine(good, "other")
        assert not is_genuine({k: v for k, v in good.items() if k != "sha_sign"}, "secret")
    with pytest.raises(ValueError):
        ds24_signature({"a": "1"}, "")


@pytest.mark.parametrize("language", LANGUAGES)
def test_developer_worked_example_is_right(language: str) -> None:
    text = read(Page("developers").source(language))
    example = {
        "event": "on_payment",
        "order_id": "SBX12345",
        "amount": "49.00",
        "voucher_code": "",
        "pay_sequence_no": "0",
    }
    assert signing.signing_text(example, "secret") in text
    assert signing.sign(example, "secret") in text
    assert python_blocks(text) == python_blocks(read(Page("developers").source("fr")))
