"""``ds24-sandbox i18n``: the translators' commands, offline.

``status``   every page: up to date, outdated (with the diff of the French page), missing, orphaned
``check``    everything that drifted, and what to do; exits 1 if anything did
``mark``     record that an English page translates the current French page
``glossary`` the glossary's labels in both languages (``--json`` for the interface)

They read the docs folder (``--docs DIR``, else the ``docs_dir`` of the nearest
``mkdocs.yml`` from the current folder up) and print in the terminal's language.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from pathlib import Path
from typing import Any

from sandbox import i18n
from sandbox.cli.client import CommandError
from sandbox.translations import checks, glossary, interface, parity, status


def _language() -> str:
    return i18n.from_environment()


def find_docs(given: str | None, language: str) -> Path:
    """The docs folder: ``--docs``, else ``docs_dir`` of the nearest ``mkdocs.yml`` upwards."""
    if given:
        path = Path(given)
        if path.is_dir():
            return path
        raise CommandError(i18n.t("translations.cli.no_docs", language, cwd=given), 2)
    here = Path.cwd()
    for folder in (here, *here.parents):
        config = folder / "mkdocs.yml"
        if config.is_file():
            match = re.search(r"^docs_dir:\s*['\"]?([^'\"\n#]+?)['\"]?\s*(?:#.*)?$", config.read_text("utf-8"), re.M)
            docs = folder / (match.group(1) if match else "docs")
            if docs.is_dir():
                return docs
    raise CommandError(i18n.t("translations.cli.no_docs", language, cwd=os.getcwd()), 2)


def _json(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "json", False))


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _counts(pages: list[status.PageStatus]) -> dict[str, int]:
    counts = {state: 0 for state in status.STATES}
    for page in pages:
        counts[page.state] += 1
    return counts


def _detail(page: status.PageStatus, language: str) -> str:
    params = {
        "since": page.recorded or "",
        "added": page.added,
        "removed": page.removed,
        "fr_file": page.files.get(status.SOURCE, f"{page.name}.{status.SOURCE}.md"),
        "en_file": page.files.get(status.TARGET, f"{page.name}.{status.TARGET}.md"),
    }
    if page.state == status.OUTDATED:
        key = "never_marked" if page.reason == "never_marked" else ("changed" if page.diff is not None else "no_diff")
    elif page.state in (status.MISSING, status.ORPHANED):
        key = page.state
    else:
        return ""
    return i18n.t(f"translations.cli.detail.{key}", language, **params)


def cmd_status(args: argparse.Namespace) -> None:
    language = _language()
    docs = find_docs(args.docs, language)
    pages = status.scan(docs)
    counts = _counts(pages)
    if _json(args):
        _print_json({"docs": str(docs), "counts": counts, "pages": [page.to_dict() for page in pages]})
        return
    labels = {state: i18n.t(f"translations.state.{state}", language) for state in status.STATES}
    width = max(len(label) for label in labels.values())
    for page in pages:
        detail = _detail(page, language)
        print(f"{labels[page.state]:<{width}}  {page.name}" + (f" — {detail}" if detail else ""))
        if page.diff and not args.no_diff:
            for line in page.diff.rstrip("\n").split("\n"):
                print("    " + line)
    print(i18n.t("translations.summary", language, total=len(pages), **counts))


def render(problem: checks.Problem, language: str) -> str:
    params: dict[str, Any] = dict(problem.params)
    if "kind" in params:
        params["kind"] = i18n.t(f"translations.kind.{params['kind']}", language)
    return i18n.t(f"translations.problem.{problem.code}", language, **params)


def cmd_check(args: argparse.Namespace) -> None:
    language = _language()
    docs = find_docs(args.docs, language)
    messages = Path(args.messages) if args.messages else None
    problems = checks.run(docs, messages=messages)
    if _json(args):
        _print_json({"ok": not problems, "problems": [problem.to_dict() for problem in problems]})
    elif problems:
        for problem in problems:
            print(render(problem, language))
        print()
        print(i18n.t("translations.cli.check_failed", language, count=len(problems)))
        print(i18n.t("translations.cli.todo", language))
        for group in checks.GROUPS:
            if any(problem.group == group for problem in problems):
                print("  • " + i18n.t(f"translations.fix.{group}", language))
    else:
        folder = messages or Path(i18n.__file__).resolve().parent / "messages"
        keys = len(interface.merged(interface.read_catalogs(folder), "fr"))
        print(i18n.t("translations.cli.check_ok", language, pages=len(status.page_files(docs)), keys=keys))
    if problems:
        raise CommandError("", 1)


def cmd_mark(args: argparse.Namespace) -> None:
    language = _language()
    docs = find_docs(args.docs, language)
    files = status.page_files(docs)
    if args.all:
        names = [name for name, languages in files.items() if status.SOURCE in languages and status.TARGET in languages]
    elif args.pages:
        names = [status.page_name(docs, page) for page in args.pages]
    else:
        raise CommandError(i18n.t("translations.cli.nothing_to_mark", language), 2)
    for name in names:
        if name not in files:
            raise CommandError(i18n.t("translations.cli.unknown_page", language, page=name, docs=docs), 2)
        if status.SOURCE not in files[name]:
            file = f"{name}.{status.SOURCE}.md"
            raise CommandError(i18n.t("translations.cli.no_french", language, page=name, file=file), 2)
        if status.TARGET not in files[name]:
            file = f"{name}.{status.TARGET}.md"
            raise CommandError(i18n.t("translations.cli.no_english", language, page=name, file=file), 2)
    marked = []
    for name in names:
        value = status.mark(docs, name)
        marked.append({"page": name, "translation_of": value})
        if not _json(args):
            print(i18n.t("translations.cli.marked", language, page=name, hash=value))
            # Marking records the words; a structural difference still needs fixing.
            pages = [status.page_status(docs, name)]
            for problem in checks.parity_problems(docs, pages):
                print("  ! " + render(problem, language))
    if _json(args):
        _print_json({"marked": marked})


def cmd_glossary(args: argparse.Namespace) -> None:
    data = glossary.export()
    if _json(args):
        _print_json(data)
        return
    for entry_id, labels in data.items():
        print(f"{entry_id:<36} {labels['fr']}  ⇄  {labels['en']}")


def add_commands(commands: Any) -> None:
    group = commands.add_parser("i18n", help="the guide's translations: status, check, mark, glossary (offline)")
    actions = group.add_subparsers(dest="i18n_action", required=True, metavar="ACTION")

    def common(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--docs", metavar="DIR", help="the docs folder (default: docs_dir of the nearest mkdocs.yml)"
        )
        parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON for scripts")

    show = actions.add_parser(
        "status", help="every page: up to date, outdated (with the French diff), missing, orphaned"
    )
    common(show)
    show.add_argument("--no-diff", action="store_true", help="do not print the diffs of outdated pages")
    show.set_defaults(handler=cmd_status, offline=True)

    check = actions.add_parser(
        "check", help="pages, structure, glossary, message catalogs, hard-coded text; exit 1 if any"
    )
    common(check)
    check.add_argument("--messages", metavar="DIR", help="message catalogs to check (default: the sandbox's)")
    check.set_defaults(handler=cmd_check, offline=True)

    mark = actions.add_parser("mark", help="record that English pages translate the current French pages")
    common(mark)
    mark.add_argument("pages", nargs="*", metavar="PAGE", help="e.g. guide/1-zap or docs/guide/1-zap.en.md")
    mark.add_argument("--all", action="store_true", help="every page that has both languages")
    mark.set_defaults(handler=cmd_mark, offline=True)

    words = actions.add_parser("glossary", help="the glossary's labels in both languages")
    words.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON for scripts")
    words.set_defaults(handler=cmd_glossary, offline=True)


__all__ = ["add_commands", "find_docs", "parity", "render"]
