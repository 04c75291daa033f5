"""The catalog hook on its own: markers, languages, labels and errors, without a build."""

from __future__ import annotations

import importlib.util
import json
from types import ModuleType, SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from sandbox.ipn import events, fields
from tests.docs.conftest import DOCS

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
    assert payment.description["fr"] in french and payment.description["en"] not in french
    assert payment.description["en"] in english and payment.description["fr"] not in english
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
        if name == "sandbox.vendor.examples":
            raise ModuleNotFoundError("No module named 'sandbox.vendor.examples'")
        return real(name)

    monkeypatch.setattr(hook, "_module", without_examples)
    with pytest.raises(PluginError, match=r"needs sandbox\.vendor\.examples\.example_payload"):
        hook.render("<!-- ds24:example event=on_payment -->", "fr", where="x.fr.md")


# --------------------------------------------------------------------------- rendering


def test_markers_inside_tabs_keep_their_indentation(hook: ModuleType) -> None:
    out = hook.render('=== "Tab"\n\n    <!-- ds24:eticket-actions -->\n', "en")
    table_lines = [line for line in out.splitlines() if line.lstrip().startswith("|")]
    assert table_lines and all(line.startswith("    |") for line in table_lines)
    assert '    <div class="ds24-catalog">' in out, "no md_in_html attribute inside a tab"
    top = hook.render("<!-- ds24:eticket-actions -->\n", "en")
    assert '<div class="ds24-catalog" markdown>' in top


def test_fields_by_name_keep_the_given_order(hook: ModuleType) -> None:
    out = hook.render("<!-- ds24:fields names=email,order_id,api_mode -->", "en")
    rows = [line for line in out.splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == ["email", "order_id", "api_mode"]


def test_all_fields_render_one_heading_per_group(hook: ModuleType) -> None:
    out = hook.render("<!-- ds24:fields -->", "fr")
    for group in fields.groups():
        assert f"{{ #fields-{group} }}" in out
        assert labels()["fr"][f"group.{group}"] in out
    assert out.count("\n| `") == len(fields.fields())


def test_table_cells_cannot_break_the_table(hook: ModuleType) -> None:
    assert hook.cell("a|b\nc<d>") == "a\\|b c&lt;d&gt;"
    assert "|" not in hook.code("a|b")
    assert hook.code("x`y") == "``x`y``"
    long = hook.short_code("https://www.example.fr/" + "x" * 80)
    assert long.startswith('<code title="https://') and long.endswith("…</code>")


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
    """Runs once the lead's ``sandbox.vendor.examples`` exists; the guide then shows real examples."""
    if importlib.util.find_spec("sandbox.vendor.examples") is None:
        pytest.skip("sandbox.vendor.examples is not written yet")
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
