"""MkDocs hook: render the sandbox's IPN catalog into the guide, in the page's language.

The catalog (``sandbox/ipn``) is the one source of truth for events, e-ticket actions
and fields; the guide never copies it by hand. A page asks for a table with an HTML
comment on a line of its own, for example::

    <!-- ds24:events -->
    <!-- ds24:events category=orders -->
    <!-- ds24:eticket-actions -->
    <!-- ds24:fields -->                  (every group, each under its own heading)
    <!-- ds24:fields group=order -->
    <!-- ds24:fields names=order_id,email -->  (chosen fields, in this order)
    <!-- ds24:example event=on_payment -->
    <!-- ds24:example event=eticket action=create -->
    <!-- ds24:confidence -->              (legend of the confidence marks)
    <!-- ds24:decisions -->               (why the sandbox did or did not send)

An unknown marker, an unknown parameter or an unknown value fails the build.

The page's language comes from mkdocs-static-i18n: with ``docs_structure: suffix`` it
turns every file into an i18n file whose ``page.file.locale`` is the language of the
Markdown source (``fr`` for ``x.fr.md``, ``en`` for ``x.en.md``, and the default
language for a page that falls back to it). Column headers and other words come from
``catalog_labels.json`` next to this file.

Tables come out as HTML, which the small Markdown extension below (added by ``on_config``)
hands to Python-Markdown as raw HTML, so a table works at the top of a page as well as
inside a content tab or an admonition. Examples and headings stay Markdown.
"""

from __future__ import annotations

import html
import json
import re
import sys
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hookkit import LANGUAGES, Markers, page_language, sandbox_module

HERE = Path(__file__).resolve().parent
CONFIDENCE_MARKS = ("2+", "1", "inf")

MARKERS = Markers("ds24", "catalog")


# --------------------------------------------------------------------------- catalog access


_module = sandbox_module


@cache
def labels() -> dict[str, dict[str, str]]:
    data = json.loads((HERE / "catalog_labels.json").read_text("utf-8"))
    for language in LANGUAGES:
        missing = set(data["fr"]) ^ set(data[language])
        if missing:
            raise PluginError(f"catalog_labels.json: keys differ for '{language}': {sorted(missing)}")
    return data


def word(key: str, language: str) -> str:
    try:
        return labels()[language][key]
    except KeyError as error:
        raise PluginError(f"catalog_labels.json has no '{key}' for '{language}'") from error


# --------------------------------------------------------------------------- HTML helpers
#
# The tables are written as HTML, not as Markdown tables: the field reference holds some
# 200 rows per language, and Python-Markdown's inline processing of every cell took about
# 0.12-0.17 s of CPU per language to convert that page (about 15 ms as HTML). The HTML is
# what Python-Markdown made of the Markdown tables (same elements, no class, so Material
# styles them like any other table); tests/docs/test_hook.py checks that each text renders
# as Markdown rendered it.


def one_line(text: object) -> str:
    """``text`` as a string on one line: a table row is one line per cell (see ``StashTables``)."""
    value = "" if text is None else str(text)
    return value.replace("\r", " ").replace("\n", " ")


CODE_SPAN = re.compile(r"(?<!\\)(`+)(.+?)(?<!`)\1(?!`)")


def cell(text: object) -> str:
    """Text for a table cell as HTML: `code` spans as in Markdown, everything else escaped."""
    value = one_line(text)
    parts = []
    start = 0
    for span in CODE_SPAN.finditer(value):
        parts.append(html.escape(value[start : span.start()], quote=False))
        parts.append("<code>" + html.escape(span.group(2).strip(), quote=False) + "</code>")
        start = span.end()
    parts.append(html.escape(value[start:], quote=False))
    return "".join(parts)


def code(text: object) -> str:
    """A value shown as code (nothing for an empty value)."""
    value = one_line(text)
    return "<code>" + html.escape(value, quote=False) + "</code>" if value else ""


def short_code(value: str, limit: int = 36) -> str:
    """A code span, cut with an ellipsis when long (the full value stays in the tooltip)."""
    value = one_line(value)
    if len(value) <= limit:
        return code(value)
    full = html.escape(value, quote=True)
    cut = html.escape(value[: limit - 1])
    return f'<code title="{full}">{cut}…</code>'


TABLE_CLASS = "ds24-catalog"


def table(headers: list[str], rows: Iterable[list[str]]) -> str:
    """An HTML table, one line per element, in a wrapper that guide.css sizes catalog columns by.

    ``headers`` are plain text (labels); ``rows`` hold cells already made HTML by ``cell``,
    ``code`` and the like.
    """
    lines = [f'<div class="{TABLE_CLASS}">', "<table>", "<thead>", "<tr>"]
    lines += [f"<th>{cell(header).strip()}</th>" for header in headers]
    lines += ["</tr>", "</thead>", "<tbody>"]
    for row in rows:
        lines.append("<tr>")
        lines += [f"<td>{one_line(value).strip()}</td>" for value in row]
        lines.append("</tr>")
    lines += ["</tbody>", "</table>", "</div>"]
    return "\n".join(lines)


class StashTables(Preprocessor):
    """Hand each generated table to Python-Markdown as one raw HTML block, at any indentation.

    At the top of a page Python-Markdown would take the block as raw HTML by itself, but
    inside a content tab or an admonition (indented) it would wrap it in a paragraph and
    run inline processing over every cell. Stashed here, it comes out as it is, wherever
    the marker was. Runs after fenced code is stashed and before raw HTML blocks are.
    """

    BLOCK = re.compile(
        rf'^(?P<indent>[ \t]*)<div class="{TABLE_CLASS}">\n(?:(?P=indent)<.*\n)*?(?P=indent)</div>$', re.M
    )

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if f'<div class="{TABLE_CLASS}">' not in text:
            return lines

        def stash(match: re.Match[str]) -> str:
            indent = match.group("indent")
            block = "\n".join(line[len(indent) :] for line in match.group(0).split("\n"))
            return indent + self.md.htmlStash.store(block)

        return self.BLOCK.sub(stash, text).split("\n")


class CatalogTablesExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(StashTables(md), "ds24_catalog_tables", 22)


def mark(confidence: str, language: str) -> str:
    """A confidence mark such as ``[2+]``, with its meaning as a tooltip."""
    if confidence not in CONFIDENCE_MARKS:
        raise PluginError(f"unknown confidence mark '{confidence}' (known: {', '.join(CONFIDENCE_MARKS)})")
    slug = {"2+": "2plus", "1": "1", "inf": "inf"}[confidence]
    title = word(f"confidence.{confidence}.title", language).replace('"', "&quot;")
    return f'<span class="ds24-conf ds24-conf-{slug}" title="{title}">[{confidence}]</span>'


def localised(value: Any, language: str, what: str) -> str:
    if isinstance(value, dict):
        if language not in value:
            raise PluginError(f"{what} has no '{language}' text")
        return value[language]
    return "" if value is None else str(value)


# --------------------------------------------------------------------------- renderers


def render_events(language: str, category: str | None = None) -> str:
    events = _module("sandbox.ipn.events").events()
    known = sorted({event.category for event in events})
    if category is not None and category not in known:
        raise PluginError(f"unknown event category '{category}' (known: {', '.join(known)})")
    # With a category, every row has the same trigger: the column would only repeat it.
    columns = ["event", "trigger", "label", "transaction", "meaning", "confidence"]
    if category is not None:
        columns.remove("trigger")
    headers = [word(f"col.{key}", language) for key in columns]
    rows = []
    for event in events:
        if category is not None and event.category != category:
            continue
        values = {
            "event": code(event.name),
            "trigger": cell(word(f"trigger.{event.category}", language)),
            "label": cell(event.label) or cell(word("none", language)),
            "transaction": code(event.transaction) or cell(word("none", language)),
            "meaning": cell(localised(event.description, language, f"event {event.name}")),
            "confidence": mark(event.confidence, language),
        }
        rows.append([values[key] for key in columns])
    return table(headers, rows)


def render_eticket_actions(language: str) -> str:
    actions = _module("sandbox.ipn.events").eticket_actions()
    columns = ("action", "zapier_choice", "eticket_label", "confidence")
    headers = [word(f"col.{key}", language) for key in columns]
    rows = [
        [
            code(item.action),
            code(item.zapier),
            cell(localised(item.label, language, f"e-ticket action {item.action}")),
            mark(item.confidence, language),
        ]
        for item in actions
    ]
    return table(headers, rows)


def optional_word(key: str, language: str, fallback: str) -> str:
    """A label that may be missing (a new field type or group): fall back to the raw key.

    The docs tests check that every type and group of the catalog has its labels, so a
    gap shows up in review without breaking the build of everyone else's work.
    """
    return labels().get(language, {}).get(key, fallback)


def _values(field: Any, language: str, most: int | None = None) -> str:
    """Allowed values when the catalog lists them (up to ``most``), else the example."""
    values = getattr(field, "values", None) or ()
    if isinstance(values, str):
        values = [values]
    if values and (most is None or len(values) <= most):
        return ", ".join(code(value) for value in values)
    example = getattr(field, "example", None)
    if example not in (None, ""):
        return short_code(str(example))
    return cell(word("none", language))


@cache
def _event_categories() -> tuple[frozenset[str], tuple[tuple[str, tuple[str, ...]], ...]]:
    """Every event name, and each category's event names, in catalog order (once per build)."""
    catalog = _module("sandbox.ipn.events").events()
    categories = dict.fromkeys(event.category for event in catalog)
    members = tuple(
        (category, tuple(event.name for event in catalog if event.category == category)) for category in categories
    )
    return frozenset(event.name for event in catalog), members


def _events_cell(field: Any, language: str) -> str:
    """Which events carry the field, shortened to "every order event" and the like."""
    names = getattr(field, "events", None) or ()
    if isinstance(names, str):
        names = [names]
    if not names:
        return cell(word("none", language))
    known, categories = _event_categories()
    if known <= set(names):
        return cell(word("events.all", language))
    parts: list[str] = []
    for category, members in categories:
        chosen = [name for name in members if name in names]
        if len(members) > 1 and len(chosen) == len(members):
            parts.append(cell(word(f"events.category.{category}", language)))
        else:
            parts.extend(code(name) for name in chosen)
    parts.extend(code(name) for name in names if name not in known)
    return ", ".join(parts)


def render_fields(language: str, group: str | None = None, names: str | None = None) -> str:
    module = _module("sandbox.ipn.fields")
    fields = module.fields()
    keys = [str(item) for item in module.groups()]
    if group is not None and names is not None:
        raise PluginError("ds24:fields takes group= or names=, not both")
    if group is not None and group not in keys:
        raise PluginError(f"unknown field group '{group}' (known: {', '.join(keys)})")
    columns = ("field", "type", "values", "events", "description", "confidence")
    headers = [word(f"col.{key}", language) for key in columns]

    def row(field: Any, most: int | None = None) -> list[str]:
        confidence = mark(field.confidence, language)
        if getattr(field, "captured", False):
            title = word("captured.title", language).replace('"', "&quot;")
            confidence += f' <span class="ds24-captured" title="{title}">{cell(word("captured", language))}</span>'
        return [
            code(field.name),
            cell(optional_word(f"type.{field.type}", language, field.type)),
            _values(field, language, most),
            _events_cell(field, language),
            cell(localised(field.description, language, f"field {field.name}")),
            confidence,
        ]

    def rows_for(key: str) -> list[list[str]]:
        return [row(field) for field in fields if field.group == key]

    if names is not None:
        # A short pick inside a guide step: only what a reader needs next to the prose.
        by_name = {field.name: field for field in fields}
        wanted = [name for name in names.split(",") if name]
        unknown = [name for name in wanted if name not in by_name]
        if unknown or not wanted:
            raise PluginError(f"ds24:fields names=: unknown field(s) {', '.join(unknown) or '(none given)'}")
        compact = ("field", "values", "description", "confidence")
        return table(
            [word(f"col.{key}", language) for key in compact],
            [[row(by_name[name], most=4)[columns.index(key)] for key in compact] for name in wanted],
        )
    if group is not None:
        return table(headers, rows_for(group))
    stray = sorted({field.group for field in fields} - set(keys))
    if stray:
        raise PluginError(f"fields use groups that groups() does not list: {', '.join(stray)}")
    parts = []
    for key in keys:
        title = optional_word(f"group.{key}", language, key)
        heading = f"### {title} {{ #fields-{key} }}"
        parts.append(heading + "\n\n" + table(headers, rows_for(key)))
    return "\n\n".join(parts)


def render_example(language: str, event: str, action: str | None = None) -> str:
    try:
        examples = _module("sandbox.digistore24.examples")
        example_payload: Callable[..., dict[str, str]] = examples.example_payload
    except (ImportError, AttributeError) as error:
        raise PluginError(
            "the marker <!-- ds24:example ... --> needs sandbox.digistore24.examples.example_payload"
            f"(event, action=None), which cannot be loaded: {error}"
        ) from error
    events = _module("sandbox.ipn.events")
    if not events.is_known(event):
        raise PluginError(f"ds24:example: unknown event '{event}'")
    try:
        payload = example_payload(event, action) if action is not None else example_payload(event)
    except Exception as error:
        raise PluginError(f"ds24:example event={event} action={action}: {error}") from error
    body = "\n".join(f"{name}={value}" for name, value in payload.items())
    fence = "```"
    while fence in body:
        fence += "`"
    # superfences puts the class on the block's wrapper: guide.css keeps long examples scrollable.
    return f"{fence}{{ .text .ds24-example }}\n# {word('example.comment', language)}\n{body}\n{fence}"


def render_confidence(language: str) -> str:
    headers = [word("col.mark", language), word("col.meaning", language)]
    rows = [[mark(key, language), cell(word(f"confidence.{key}.long", language))] for key in CONFIDENCE_MARKS]
    return table(headers, rows)


def render_decisions(language: str) -> str:
    catalog = _module("sandbox.i18n").catalog(language)
    headers = [word("col.code", language), word("col.sandbox_message", language)]
    rows = []
    for key in sorted(catalog):
        if not key.startswith("decision."):
            continue
        message = re.sub(r"\{(\w+)\}", r"‹\1›", catalog[key])
        rows.append([code(key.removeprefix("decision.")), cell(message)])
    if not rows:
        raise PluginError("the sandbox's message catalog has no decision.* messages")
    return table(headers, rows)


RENDERERS: dict[str, tuple[Callable[..., str], set[str], set[str]]] = {
    # kind: (renderer, required parameters, optional parameters)
    "events": (render_events, set(), {"category"}),
    "eticket-actions": (render_eticket_actions, set(), set()),
    "fields": (render_fields, set(), {"group", "names"}),
    "example": (render_example, {"event"}, {"action"}),
    "confidence": (render_confidence, set(), set()),
    "decisions": (render_decisions, set(), set()),
}


def render_marker(kind: str, params: dict[str, str], language: str, where: str = "") -> str:
    prefix = f"{where}: " if where else ""
    if kind not in RENDERERS:
        known = ", ".join(sorted(RENDERERS))
        raise PluginError(f"{prefix}unknown catalog marker 'ds24:{kind}' (known: {known})")
    renderer, required, optional = RENDERERS[kind]
    missing = required - set(params)
    unknown = set(params) - required - optional
    if missing or unknown:
        raise PluginError(
            f"{prefix}marker 'ds24:{kind}': missing {sorted(missing)} / unknown {sorted(unknown)} parameters "
            f"(required: {sorted(required)}, optional: {sorted(optional)})"
        )
    try:
        return renderer(language, **params)
    except PluginError as error:
        raise PluginError(f"{prefix}{error}") from error


def render(markdown: str, language: str, where: str = "") -> str:
    """Replace every catalog marker of ``markdown``; fail on anything that looks like one but is not."""
    return MARKERS.expand(markdown, lambda kind, params: render_marker(kind, params, language, where), where)


# --------------------------------------------------------------------------- MkDocs events


def on_config(config: Any) -> Any:
    """Add ``StashTables`` to the build's Markdown (once: mkdocs-static-i18n calls this per language)."""
    extensions = config["markdown_extensions"]
    if not any(isinstance(extension, CatalogTablesExtension) for extension in extensions):
        extensions.append(CatalogTablesExtension())
    return config


def on_pre_build(config: Any) -> None:
    """Forget cached catalogs so that ``mkdocs serve`` shows catalog edits."""
    for name in ("sandbox.ipn.events", "sandbox.ipn.fields", "sandbox.i18n"):
        module = sys.modules.get(name)
        for value in vars(module).values() if module else ():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()
    labels.cache_clear()
    _event_categories.cache_clear()


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if "ds24:" not in markdown:
        return markdown
    return render(markdown, page_language(page, config), where=page.file.src_uri)
