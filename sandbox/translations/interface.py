"""The sandbox's interface text: message catalogs in step, nothing typed into the code.

Two checks, both pure functions over file contents:

* :func:`catalog_problems`: every key of ``sandbox/i18n/messages/<lang>/<area>.json``
  exists in both languages, in the same area file, with the same ``{placeholders}``;
  no text is empty; no key is defined by two area files of one language (the later
  file would silently win).
* :func:`hard_coded`: a pragmatic AST scan of ``sandbox/web``, ``sandbox/services``
  and ``sandbox/cli`` for prose typed into the code where a user reads it: string
  literals with at least two words, passed to ``print``, a response, an error a user
  sees (``InputError``, ``CommandError``…), or given as the value of a dict key such as
  ``message`` or ``text``. Calls to ``i18n.t``/``i18n.both`` are skipped (their
  arguments are keys and parameters), and so are dict keys. A line can be let through
  with a ``# i18n: ok`` comment saying it is technical. Argument parser help
  (``help=``) is not scanned: the CLI's ``--help`` is English-only by decision.
"""

from __future__ import annotations

import ast
import json
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

LANGUAGES = ("fr", "en")
SCANNED = ("web", "services", "cli")
SINKS = {
    "print",
    "JSONResponse",
    "PlainTextResponse",
    "HTMLResponse",
    "Response",
    "RedirectResponse",
    "CommandError",
    "InputError",
    "NotFound",
    "Conflict",
    "BodyTooLarge",
    "HTTPException",
    "ZapierError",
    "ArgumentTypeError",
    "error",  # parser.error(...)
    "exit",  # parser.exit(status, message)
}
STREAM_WRITES = {"stdout", "stderr"}
TRANSLATORS = {"t", "both"}
USER_KEYS = {"message", "text", "title", "label", "hint", "help", "detail", "explanation", "summary", "description"}
PROSE = re.compile(r"[^\W\d_]{2,}[ \t\u00a0]+[^\W\d_]{2,}")
PRAGMA = re.compile(r"#\s*i18n:\s*ok\b")
# Technical strings that look like prose but are not read as sentences.
ALLOWED = {
    "text/plain",
    "text/html",
    "text/event-stream",
}


# --------------------------------------------------------------------------- catalogs


@dataclass(frozen=True)
class CatalogProblem:
    """``code``: ``missing_file``, ``missing_key``, ``placeholders``, ``empty``, ``not_text``,
    ``invalid_json``, ``duplicate_key`` or ``bad_format``; ``language`` is where it is."""

    code: str
    file: str
    key: str = ""
    language: str = ""
    detail: str = ""


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None and name != ""}


def catalog_problems(files: dict[str, dict[str, str]]) -> list[CatalogProblem]:
    """Problems of the catalogs given as ``{language: {area file name: JSON text}}``."""
    problems: list[CatalogProblem] = []
    data: dict[str, dict[str, dict[str, object]]] = {language: {} for language in LANGUAGES}
    for language in LANGUAGES:
        for name, text in sorted(files.get(language, {}).items()):
            try:
                loaded = json.loads(text)
            except json.JSONDecodeError as error:
                problems.append(CatalogProblem("invalid_json", name, language=language, detail=f"line {error.lineno}"))
                continue
            if not isinstance(loaded, dict):
                problems.append(CatalogProblem("invalid_json", name, language=language, detail="not an object"))
                continue
            data[language][name] = loaded
    names = sorted(set(files.get("fr", {})) | set(files.get("en", {})))
    for name in names:
        for language in LANGUAGES:
            if name not in files.get(language, {}):
                problems.append(CatalogProblem("missing_file", name, language=language))
        if not all(name in data[language] for language in LANGUAGES):
            continue
        french, english = data["fr"][name], data["en"][name]
        for key in sorted(set(french) | set(english)):
            for language, messages in (("fr", french), ("en", english)):
                if key not in messages:
                    problems.append(CatalogProblem("missing_key", name, key, language))
                elif not isinstance(messages[key], str):
                    problems.append(CatalogProblem("not_text", name, key, language))
                elif not str(messages[key]).strip():
                    problems.append(CatalogProblem("empty", name, key, language))
            fr_text, en_text = french.get(key), english.get(key)
            if not (isinstance(fr_text, str) and isinstance(en_text, str)):
                continue
            try:
                fr_names, en_names = _placeholders(fr_text), _placeholders(en_text)
            except ValueError as error:
                problems.append(CatalogProblem("bad_format", name, key, detail=str(error)))
                continue
            if fr_names != en_names:
                detail = f"fr {{{', '.join(sorted(fr_names))}}} ≠ en {{{', '.join(sorted(en_names))}}}"
                problems.append(CatalogProblem("placeholders", name, key, detail=detail))
    for language in LANGUAGES:
        owner: dict[str, str] = {}
        for name, messages in sorted(data[language].items()):
            for key in messages:
                if key in owner:
                    problems.append(CatalogProblem("duplicate_key", name, key, language, detail=owner[key]))
                else:
                    owner[key] = name
    return problems


def read_catalogs(messages: Path) -> dict[str, dict[str, str]]:
    """``{language: {area file name: text}}`` from a ``messages`` folder."""
    return {
        language: {path.name: path.read_text("utf-8") for path in sorted((messages / language).glob("*.json"))}
        for language in LANGUAGES
    }


def merged(files: dict[str, dict[str, str]], language: str) -> dict[str, str]:
    """All messages of one language (well-formed files only), for other checks."""
    result: dict[str, str] = {}
    for text in files.get(language, {}).values():
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError:
            continue
        if isinstance(loaded, dict):
            result.update({key: value for key, value in loaded.items() if isinstance(value, str)})
    return result


# --------------------------------------------------------------------------- hard-coded text


@dataclass(frozen=True)
class HardCoded:
    path: str
    line: int
    column: int
    sink: str
    text: str


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_sink(call: ast.Call) -> str:
    name = _name(call.func)
    if name in SINKS:
        return name
    # sys.stdout.write("…") / sys.stderr.write("…")
    if name == "write" and isinstance(call.func, ast.Attribute) and _name(call.func.value) in STREAM_WRITES:
        return f"{_name(call.func.value)}.write"
    return ""


def _prose_literals(node: ast.AST) -> Iterable[tuple[ast.expr, str]]:
    """String literals under ``node`` that read as prose, skipping keys and translations.

    An f-string counts as one literal, its fields shown as ``{…}``.
    """
    if isinstance(node, ast.Call) and _name(node.func) in TRANSLATORS:
        return
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str) and node.value not in ALLOWED and PROSE.search(node.value):
            yield node, node.value
        return
    if isinstance(node, ast.Dict):
        for value in node.values:
            yield from _prose_literals(value)
        return
    if isinstance(node, ast.JoinedStr):
        text = "".join(str(part.value) if isinstance(part, ast.Constant) else "{…}" for part in node.values)
        if PROSE.search(text.replace("{…}", " ")):
            yield node, text
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                yield from _prose_literals(part.value)
        return
    for child in ast.iter_child_nodes(node):
        yield from _prose_literals(child)


def hard_coded(path: str, source: str) -> list[HardCoded]:
    """Prose literals a user would read, in one Python file."""
    tree = ast.parse(source, filename=path)
    lines = source.splitlines()
    found: dict[tuple[int, int], HardCoded] = {}

    def keep(node: ast.expr, text: str, sink: str) -> None:
        line = lines[node.lineno - 1] if node.lineno - 1 < len(lines) else ""
        if PRAGMA.search(line):
            return
        found.setdefault((node.lineno, node.col_offset), HardCoded(path, node.lineno, node.col_offset + 1, sink, text))

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            sink = _is_sink(node)
            if sink:
                for argument in [*node.args, *(keyword.value for keyword in node.keywords)]:
                    for literal, text in _prose_literals(argument):
                        keep(literal, text, sink)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value in USER_KEYS:
                    for literal, text in _prose_literals(value):
                        keep(literal, text, f'"{key.value}": …')
    return sorted(found.values(), key=lambda item: (item.path, item.line, item.column))


def scan_sources(package: Path, folders: Iterable[str] = SCANNED) -> list[HardCoded]:
    """:func:`hard_coded` over every module of the given sub-packages of ``sandbox``."""
    found: list[HardCoded] = []
    for folder in folders:
        for path in sorted((package / folder).rglob("*.py")):
            relative = path.relative_to(package.parent).as_posix()
            found += hard_coded(relative, path.read_text("utf-8"))
    return found
