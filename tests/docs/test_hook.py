"""The catalog hook on its own: markers, languages, labels and errors, without a build."""

from __future__ import annotations

import html
import importlib.util
import json
import re
from html.parser import HTMLParser
from types import ModuleType, SimpleNamespace

import pytest
import yaml
from markdown import Markdown
from mkdocs.exceptions import PluginError

from sandbox import i18n
from sandbox.ipn import events, fields
from tests.docs.conftest import DOCS, ROOT

pytestmark = pytest.mark.docs


def fake_page(locale: str | None = None, src_uri: str = "x.fr.md") -> SimpleNamespace:
    file = SimpleNamespace(src_uri=src_uri)
    if locale is not None:
        file.locale = locale
    return SimpleNamespace(file=file)


def labels() -> dict[str, dict[str, str]]:
    return json.loads((DOCS / "hooks" / "catalog_labels.json").read_text("utf-8"))


# --------------------------------------------------------------------------- page language


def test_language_comes_from_the_i18n_file_locale(hook: ModuleType) -> None:
    assert hook.page_language(fake_page("en"), {"theme": {"language": "fr"}}) == "en"
    assert hook.page_language(fake_page("fr"), {"theme": {"language": "en"}}) == "fr"


def test_language_falls_back_to_the_i18n_plugin_then_the_theme(hook: ModuleType) -> None:
    plugin = SimpleNamespace(current_language="en")
    assert hook.page_language(fake_page(), {"plugins": {"i18n": plugin}, "theme": {"language": "fr"}}) == "en"
    assert hook.page_language(fake_page(), {"theme": {"language": "en"}}) == "en"
    assert hook.page_language(fake_page("de"), {}) == "fr"


def test_on_page_markdown_renders_in_the_page_language(hook: ModuleType) -> None:
    markdown = "# T { #t }\n\n<!-- ds24:events -->\n"
    french = hook.on_page_markdown(markdown, fake_page("fr"), {}, None)
    english = hook.on_page_markdown(markdown, fake_page("en", "x.en.md"), {}, None)
    payment = events.event("on_payment")
    fr, en = (html.escape(payment.description[language], quote=False) for language in ("fr", "en"))
    assert fr in french and en not in french
    assert en in english and fr not in english
    assert labels()["fr"]["col.meaning"] in french and labels()["en"]["col.meaning"] in english


def test_pages_without_markers_are_untouched(hook: ModuleType) -> None:
    text = "# Plain { #plain }\n\n<!-- an ordinary comment -->\n"
    assert hook.on_page_markdown(text, fake_page("fr"), {}, None) == text


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("markdown", "message"),
    [
        ("<!-- ds24:nope -->", "unknown catalog marker 'ds24:nope'"),
        ("<!-- ds24:events colour=red -->", "unknown ['colour']"),
        ("<!-- ds24:events category=nope -->", "unknown event category 'nope'"),
        ("<!-- ds24:fields group=nope -->", "unknown field group 'nope'"),
        ("<!-- ds24:fields names=order_id,nope -->", "unknown field(s) nope"),
        ("<!-- ds24:example -->", "missing ['event']"),
        ("Text <!-- ds24:events --> inline", "malformed catalog marker"),
        ("<!--ds24:events category= -->", "malformed catalog marker"),
    ],
)
def test_bad_markers_fail_the_build_clearly(hook: ModuleType, markdown: str, message: str) -> None:
    with pytest.raises(PluginError) as caught:
        hook.on_page_markdown(markdown + "\n", fake_page("fr", "guide/x.fr.md"), {}, None)
    assert message in str(caught.value)
    assert "guide/x.fr.md" in str(caught.value), "the error names the page"


def test_example_marker_explains_a_missing_examples_module(hook: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    real = hook._module

    def without_examples(name: str) -> ModuleType:
        if name == "sandbox.digistore24.examples":
            raise ModuleNotFoundError("No module named 'sandbox.digistore24.examples'")
        return real(name)

    monkeypatch.setattr(hook, "_module", without_examples)
    with pytest.raises(PluginError, match=r"needs sandbox\.digistore24\.examples\.example_payload"):
        hook.render("<!-- ds24:example event=on_payment -->", "fr", where="x.fr.md")


# --------------------------------------------------------------------------- rendering


class Tables(HTMLParser):
    """The tables of some HTML: for each, its rows (header row first), each a list of cell texts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append("".join(self.cell))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def tables(html: str) -> list[list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    parser.close()
    return parser.tables


def markdown_config() -> tuple[list[str], dict[str, dict[str, object]]]:
    """The Markdown extensions of mkdocs.yml, as Python-Markdown takes them."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text("utf-8"))
    names: list[str] = []
    settings: dict[str, dict[str, object]] = {}
    for item in config["markdown_extensions"]:
        name, options = next(iter(item.items())) if isinstance(item, dict) else (item, None)
        names.append(name)
        if options:
            settings[name] = options
    return names, settings


def convert(hook: ModuleType, markdown: str) -> str:
    """Markdown to HTML as the build does it: mkdocs.yml's extensions plus what the hook adds."""
    names, settings = markdown_config()
    config: dict[str, list[object]] = {"markdown_extensions": list(names)}
    hook.on_config(config)
    return Markdown(extensions=config["markdown_extensions"], extension_configs=settings).convert(markdown)


def test_the_hook_adds_its_markdown_extension_once(hook: ModuleType) -> None:
    config: dict[str, list[object]] = {"markdown_extensions": ["tables"]}
    hook.on_config(config)
    hook.on_config(config)  # mkdocs-static-i18n runs on_config again for each language
    added = [item for item in config["markdown_extensions"] if isinstance(item, hook.CatalogTablesExtension)]
    assert len(added) == 1


@pytest.mark.parametrize(
    "container",
    ['=== "Tab"\n\n    Intro.\n\n    {marker}\n\n    After.\n', "!!! note\n\n    Intro.\n    {marker}\n    After.\n"],
    ids=["content tab", "admonition"],
)
def test_tables_come_out_whole_inside_tabs_and_admonitions(hook: ModuleType, container: str) -> None:
    marker = "<!-- ds24:eticket-actions -->"
    rendered = hook.render(container.format(marker=marker), "en")
    table_lines = [line for line in rendered.splitlines() if "<t" in line or "</t" in line]
    assert table_lines and all(line.startswith("    <") for line in table_lines), "indented like the marker"
    top = convert(hook, hook.render(f"Intro.\n\n{marker}\n\nAfter.\n", "en"))
    nested = convert(hook, rendered)
    block = re.search(r'<div class="ds24-catalog">\n<table>.*?</table>\n</div>', top, re.S)
    assert block, top
    assert block.group(0) in nested, "the same table as at the top of a page"
    assert "<p><div" not in nested and "<p><table" not in nested, "not wrapped in a paragraph"
    assert " markdown" not in nested


def test_fields_by_name_keep_the_given_order(hook: ModuleType) -> None:
    (found,) = tables(hook.render("<!-- ds24:fields names=email,order_id,api_mode -->", "en"))
    assert [row[0] for row in found[1:]] == ["email", "order_id", "api_mode"]
    assert found[0] == [labels()["en"][f"col.{key}"] for key in ("field", "values", "description", "confidence")]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_field_tables_are_the_catalog(hook: ModuleType, language: str) -> None:
    """One row per field, in catalog order, each group under its heading: nothing added or lost."""
    out = hook.render("<!-- ds24:fields -->", language)
    found = tables(out)
    assert len(found) == len(fields.groups())
    for group, rows in zip(fields.groups(), found, strict=True):
        assert f"{{ #fields-{group} }}" in out
        assert labels()[language][f"group.{group}"] in out
        assert rows[0][0] == labels()[language]["col.field"]
        expected = [(field.name, field.description[language]) for field in fields.fields() if field.group == group]
        assert [(row[0], row[4]) for row in rows[1:]] == expected, group
    assert sum(len(rows) - 1 for rows in found) == len(fields.fields())


@pytest.mark.parametrize("language", ["fr", "en"])
def test_event_tables_are_the_catalog(hook: ModuleType, language: str) -> None:
    (found,) = tables(hook.render("<!-- ds24:events -->", language))
    expected = [(event.name, event.description[language]) for event in events.events()]
    assert [(row[0], row[4]) for row in found[1:]] == expected
    (actions,) = tables(hook.render("<!-- ds24:eticket-actions -->", language))
    expected = [(item.action, item.zapier, item.label[language]) for item in events.eticket_actions()]
    assert [tuple(row[:3]) for row in actions[1:]] == expected


def test_table_cells_are_escaped_html_on_one_line(hook: ModuleType) -> None:
    assert hook.cell("a|b\nc<d> & `x<y>`") == "a|b c&lt;d&gt; &amp; <code>x&lt;y&gt;</code>"
    assert hook.code("a<b>|&") == "<code>a&lt;b&gt;|&amp;</code>"
    assert hook.code("") == ""
    long = hook.short_code("https://www.example.fr/?a=1&b=" + "x" * 80)
    assert long.startswith('<code title="https://www.example.fr/?a=1&amp;b=') and long.endswith("…</code>")
    out = hook.table(["A `a`", "B"], [["1\n2", "<b>x</b>"]])
    assert "<th>A <code>a</code></th>" in out and "<td>1 2</td>" in out and "<td><b>x</b></td>" in out


def table_texts(hook: ModuleType) -> list[str]:
    """Every text the hook puts through ``cell``: its labels and the catalogs' words."""
    texts = [text for language in ("fr", "en") for text in labels()[language].values()]
    for language in ("fr", "en"):
        texts += [field.description[language] for field in fields.fields()]
        texts += [event.description[language] for event in events.events()]
        texts += [item.label[language] for item in events.eticket_actions()]
        texts += [message for key, message in i18n.catalog(language).items() if key.startswith("decision.")]
    texts += [str(event.label) for event in events.events() if event.label]
    return texts


def test_cells_render_as_markdown_tables_rendered_them(hook: ModuleType) -> None:
    """The tables used to be Markdown tables: each text still comes out as Markdown made it.

    If this fails, a label or a catalog text uses Markdown that ``cell`` does not render
    (emphasis, a link...): write it without, or teach ``cell`` to render it.
    """
    texts = table_texts(hook)
    rows = ["| " + text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;") + " |" for text in texts]
    rendered = Markdown(extensions=["tables"]).convert("\n".join(["| head |", "| --- |", *rows]))
    markdown_cells = re.findall(r"<td>(.*?)</td>", rendered)
    assert len(markdown_cells) == len(texts)
    for text, expected in zip(texts, markdown_cells, strict=True):
        assert hook.cell(text) == expected, text


def test_confidence_legend_covers_every_mark_used(hook: ModuleType) -> None:
    used = {item.confidence for item in events.events()} | {item.confidence for item in fields.fields()}
    used |= {item.confidence for item in events.eticket_actions()}
    assert used <= set(hook.CONFIDENCE_MARKS)
    legend = hook.render("<!-- ds24:confidence -->", "en")
    for mark in hook.CONFIDENCE_MARKS:
        assert f">[{mark}]</span>" in legend


# --------------------------------------------------------------------------- labels


def test_labels_exist_in_both_languages_for_the_whole_catalog() -> None:
    data = labels()
    assert set(data["fr"]) == set(data["en"])
    needed = {f"group.{group}" for group in fields.groups()}
    needed |= {f"type.{field.type}" for field in fields.fields()}
    needed |= {f"trigger.{event.category}" for event in events.events()}
    needed |= {f"events.category.{event.category}" for event in events.events()}
    for language in ("fr", "en"):
        missing = sorted(needed - set(data[language]))
        assert not missing, f"catalog_labels.json lacks {missing} in {language}"


def test_example_marker_renders_a_real_payload(hook: ModuleType) -> None:
    """Runs once the lead's ``sandbox.digistore24.examples`` exists; the guide then shows real examples."""
    if importlib.util.find_spec("sandbox.digistore24.examples") is None:
        pytest.skip("sandbox.digistore24.examples is not written yet")
    out = hook.render("<!-- ds24:example event=on_payment -->", "fr")
    assert "```{ .text .ds24-example }" in out and "event=on_payment" in out and "api_mode=test" in out
    ticket = hook.render("<!-- ds24:example event=eticket action=create -->", "en")
    assert "action=create" in ticket


# --------------------------------------------------------------------------- French spacing


@pytest.fixture(scope="module")
def typography() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ds24_french_typography", DOCS / "hooks" / "french_typography.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_french_pages_get_no_break_spaces_outside_code(typography: ModuleType) -> None:
    html = '<p>Note : « oui » ou non ? Voir <code>a : b ?</code> et <a href="x?y=1">ici</a> !</p>'
    out = typography.on_page_content(html, fake_page("fr"), {}, None)
    assert "Note\u00a0:" in out and "«\u00a0oui\u00a0»" in out and "non\u202f?" in out and "ici</a>\u202f!" in out
    assert "<code>a : b ?</code>" in out and 'href="x?y=1"' in out


def test_english_pages_are_left_alone(typography: ModuleType) -> None:
    html = "<p>Note : yes ?</p>"
    assert typography.on_page_content(html, fake_page("en"), {}, None) == html
