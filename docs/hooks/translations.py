"""MkDocs hook: translation status for readers, and the glossary from its data file.

* An English page whose French source changed since it was translated (see
  ``sandbox/translations/status.py``) gets a notice right under its title, linking to
  the French page.
* ``<!-- i18n:status -->`` on a line of its own becomes the table of every page's
  translation state (``translation-status.{fr,en}.md``), in the page's language, with
  what changed in French for outdated pages.
* ``<!-- i18n:glossary section=NAME -->`` becomes one section of the glossary
  (``sandbox/i18n/glossary.json``) as a table in the page's language.

Words come from ``sandbox/i18n/messages/<lang>/translations.json``. An unknown marker or
section fails the build. The status is computed from the files on disk at build time,
exactly as ``ds24-sandbox i18n status`` computes it.
"""

from __future__ import annotations

import contextlib
import re
import sys
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hookkit import DEFAULT_LANGUAGE, Markers, page_language, sandbox_module
from mkdocs.utils import get_relative_url

NOTICE_CLASS = "ds24-translation-outdated"

MARKERS = Markers("i18n", "translation")


_module = sandbox_module

# Every page's status, computed once per build: the outdated notices and the status page
# read it instead of scanning the docs folder for each English page. ``on_pre_build``
# forgets it, so ``mkdocs serve`` sees edits.
_statuses: dict[Path, dict[str, Any]] = {}


def statuses(docs: Path) -> dict[str, Any]:
    """``{page name: PageStatus}`` of every page of ``docs``, in page-name order."""
    key = docs.resolve()
    if key not in _statuses:
        _statuses[key] = {item.name: item for item in _module("sandbox.translations.status").scan(docs)}
    return _statuses[key]


def t(key: str, language: str, **params: object) -> str:
    return str(_module("sandbox.i18n").t(key, language, **params))


def source_of(page: Any, docs: Path) -> tuple[str, str] | None:
    """``(page name, language of the file)`` from the Markdown file really read."""
    path = getattr(getattr(page, "file", None), "abs_src_path", None)
    if not path:
        return None
    try:
        relative = Path(path).resolve().relative_to(docs.resolve()).as_posix()
    except ValueError:
        return None
    match = re.fullmatch(r"(?P<name>.+?)(?:\.(?P<language>[a-z]{2}))?\.md", relative)
    if not match:
        return None
    return match.group("name"), match.group("language") or DEFAULT_LANGUAGE


# --------------------------------------------------------------------------- outdated notice


def french_url(url: str, language: str) -> str:
    """The French page's URL from a translated page's (``en/guide/x/`` → ``guide/x/``)."""
    return url[len(language) + 1 :] if url.startswith(f"{language}/") else url


def notice(page: Any, language: str) -> str:
    href = get_relative_url(french_url(page.url, language) or ".", page.url or ".")
    link = f'<a href="{href}" hreflang="fr" lang="fr">{t("translations.notice.link", language)}</a>'
    title = t("translations.notice.title", language).replace('"', "&quot;")
    body = t("translations.notice.body", language, link=link)
    return f'!!! warning {NOTICE_CLASS} "{title}"\n\n    {body}\n'


def with_notice(markdown: str, block: str) -> str:
    """The notice right under the page's title (or first, if the page has no ``#`` title)."""
    lines = markdown.split("\n")
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        if re.match(r"#\s", line):
            return "\n".join([*lines[: index + 1], "", block, *lines[index + 1 :]])
        break
    return block + "\n" + markdown


# --------------------------------------------------------------------------- status page


def cell(text: object) -> str:
    return str(text).replace("\n", " ").replace("|", "\\|")


def render_status(docs: Path, language: str) -> str:
    status = _module("sandbox.translations.status")
    pages = list(statuses(docs).values())
    counts = {state: 0 for state in status.STATES}
    for item in pages:
        counts[item.state] += 1
    headers = [t(f"translations.page.col.{key}", language) for key in ("page", "state", "detail")]
    rows = []
    diffs = []
    for item in pages:
        # Linking needs a French page: an orphaned English page is not built in French.
        name = f"`{item.name}`"
        if status.SOURCE in item.files:
            name = f"[{item.name}]({item.name}.md)"
        state = t(f"translations.state.{item.state}", language)
        if item.state != status.UP_TO_DATE:
            state = f"**{state}**"
        key = item.state
        if item.state == status.OUTDATED:
            key = "never_marked" if item.reason == "never_marked" else ("changed" if item.diff else "no_diff")
        detail = t(
            f"translations.page.detail.{key}",
            language,
            since=item.recorded or "",
            added=item.added,
            removed=item.removed,
        )
        rows.append(f"| {cell(name)} | {cell(state)} | {cell(detail)} |")
        if item.diff:
            diffs.append((item.name, item.diff))
    parts = [
        t("translations.summary", language, total=len(pages), **counts),
        "",
        "| " + " | ".join(headers) + " |",
        "|" + "|".join(" --- " for _ in headers) + "|",
        *rows,
    ]
    for name, diff in diffs:
        fence = "```"
        while fence in diff:
            fence += "`"
        title = t("translations.page.diff_title", language, page=name).replace('"', "&quot;")
        body = "\n".join("    " + line if line else "" for line in f"{fence}diff\n{diff.rstrip()}\n{fence}".split("\n"))
        parts += ["", f'??? note "{title}"', "", body]
    return "\n".join(parts)


def render_glossary(language: str, section: str | None = None) -> str:
    glossary = _module("sandbox.translations.glossary")
    data = glossary.default()
    if section is None or section not in data.sections:
        known = ", ".join(data.sections)
        raise PluginError(f"i18n:glossary needs section= one of {known} (got {section!r})")
    keys: tuple[str, ...]
    if section in glossary.SECTIONS_WITH_BOTH_LABELS:
        keys = ("this_language", "other_language", "meaning")
    else:
        keys = ("term", "sense")
    headers = [t(f"translations.glossary.col.{key}", language) for key in keys]
    return str(glossary.render(section, language, headers, data))


def render(markdown: str, language: str, docs: Path, where: str = "") -> str:
    prefix = f"{where}: " if where else ""

    def build(kind: str, params: dict[str, str]) -> str:
        if kind == "status" and not params:
            return render_status(docs, language)
        if kind == "glossary" and set(params) <= {"section"}:
            return render_glossary(language, params.get("section"))
        raise PluginError(f"{prefix}unknown translation marker i18n:{kind} {params}")

    return MARKERS.expand(markdown, build, where)


# --------------------------------------------------------------------------- MkDocs events


def on_pre_build(config: Any) -> None:
    """Forget cached data so that ``mkdocs serve`` shows edits to pages, the glossary and messages."""
    _statuses.clear()
    with contextlib.suppress(ImportError, AttributeError):
        _module("sandbox.translations.glossary").default.cache_clear()
        _module("sandbox.i18n").catalog.cache_clear()


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    docs = Path(config["docs_dir"])
    language = page_language(page, config)
    where = getattr(getattr(page, "file", None), "src_uri", "")
    if "i18n:" in markdown:
        markdown = render(markdown, language, docs, where)
    source = source_of(page, docs)
    status = _module("sandbox.translations.status")
    if source and source[1] == status.TARGET:
        item = statuses(docs).get(source[0])
        if item is not None and item.state == status.OUTDATED:
            markdown = with_notice(markdown, notice(page, language))
    return markdown
