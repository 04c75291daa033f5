"""Everything ``ds24-sandbox i18n check`` checks, as a list of problems.

A :class:`Problem` is a message code plus parameters (file, line, what differs); the
CLI turns it into a sentence in the terminal's language with the ``translations.*``
messages, and says what to do about each kind of problem. Nothing here prints.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from sandbox.translations import glossary as glossary_module
from sandbox.translations import interface, parity, status

GROUPS = ("status", "parity", "glossary", "catalog", "code")


@dataclass(frozen=True)
class Problem:
    code: str
    group: str
    params: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "group": self.group, **self.params}


def _text(value: object) -> str:
    return "" if value is None else str(value)


def status_problems(docs: Path, pages: list[status.PageStatus]) -> list[Problem]:
    found = []
    for page in pages:
        params = {"page": page.name, **{f"{language}_file": path for language, path in page.files.items()}}
        params.setdefault("fr_file", f"{page.name}.{status.SOURCE}.md")
        params.setdefault("en_file", f"{page.name}.{status.TARGET}.md")
        if page.state == status.MISSING:
            found.append(Problem("missing", "status", params))
        elif page.state == status.ORPHANED:
            found.append(Problem("orphaned", "status", params))
        elif page.state == status.OUTDATED and page.reason == "never_marked":
            found.append(Problem("never_marked", "status", params))
        elif page.state == status.OUTDATED:
            diff = "diff" if page.diff is not None else "no_diff"
            found.append(
                Problem(
                    f"outdated_{diff}",
                    "status",
                    {**params, "added": str(page.added), "removed": str(page.removed), "since": _text(page.recorded)},
                )
            )
    for path in status.stale_sidecars(docs):
        found.append(Problem("stale_sidecar", "status", {"file": path}))
    return found


def parity_problems(docs: Path, pages: list[status.PageStatus]) -> list[Problem]:
    found = []
    for page in pages:
        if status.SOURCE not in page.files or status.TARGET not in page.files:
            continue
        french = (docs / page.files[status.SOURCE]).read_text("utf-8")
        english = (docs / page.files[status.TARGET]).read_text("utf-8")
        for mismatch in parity.compare(french, english):
            params = {
                "page": page.name,
                "kind": mismatch.kind,
                "fr_file": page.files[status.SOURCE],
                "en_file": page.files[status.TARGET],
                "fr_line": _text(mismatch.french_line) or "—",
                "en_line": _text(mismatch.english_line) or "—",
                "fr": _text(mismatch.french),
                "en": _text(mismatch.english),
            }
            if mismatch.block_lines:
                params["fr_block"], params["en_block"] = (str(line) for line in mismatch.block_lines)
                found.append(Problem(f"parity_code_{mismatch.form}", "parity", params))
            else:
                found.append(Problem(f"parity_{mismatch.form}", "parity", params))
    return found


def glossary_problems(
    docs: Path,
    pages: list[status.PageStatus],
    catalogs: dict[str, dict[str, str]],
    glossary_path: Path | None = None,
) -> list[Problem]:
    path = glossary_path or glossary_module.default_path()
    try:
        glossary, data_problems = glossary_module.parse(json.loads(path.read_text("utf-8")))
    except (OSError, ValueError) as error:
        return [Problem("glossary_data", "glossary", {"file": path.name, "detail": str(error)})]
    if data_problems:
        return [Problem("glossary_data", "glossary", {"file": path.name, "detail": item}) for item in data_problems]
    found = []
    for page in pages:
        for language, relative in page.files.items():
            text = (docs / relative).read_text("utf-8")
            for misuse in glossary_module.misuses(text, language, glossary):
                found.append(
                    Problem(
                        "glossary_page",
                        "glossary",
                        {
                            "file": relative,
                            "line": str(misuse.line),
                            "found": misuse.found,
                            "agreed": misuse.agreed,
                            "entry": misuse.entry,
                        },
                    )
                )
    every = {language: interface.merged(catalogs, language) for language in catalogs}
    for drift in glossary_module.label_drift(every, glossary):
        found.append(
            Problem(
                "glossary_label",
                "glossary",
                {
                    "message_key": drift.key,
                    "lang": drift.language,
                    "found": drift.shown if drift.shown is not None else "—",
                    "agreed": drift.agreed,
                    "entry": drift.entry,
                },
            )
        )
    for language, files in catalogs.items():
        for name in sorted(files):
            messages = interface.merged({language: {name: files[name]}}, language)
            for misuse in glossary_module.catalog_misuses(messages, language, glossary):
                found.append(
                    Problem(
                        "glossary_message",
                        "glossary",
                        {
                            "file": f"{language}/{name}",
                            "message_key": misuse.key,
                            "found": misuse.found,
                            "agreed": misuse.agreed,
                            "entry": misuse.entry,
                        },
                    )
                )
    return found


def catalog_problems(catalogs: dict[str, dict[str, str]]) -> list[Problem]:
    found = []
    for item in interface.catalog_problems(catalogs):
        params = {"file": item.file, "message_key": item.key, "lang": item.language, "detail": item.detail}
        found.append(Problem(f"catalog_{item.code}", "catalog", params))
    return found


def code_problems(package: Path) -> list[Problem]:
    return [
        Problem(
            "hard_coded",
            "code",
            {
                "file": item.path,
                "line": str(item.line),
                "column": str(item.column),
                "sink": item.sink,
                "text": item.text,
            },
        )
        for item in interface.scan_sources(package)
    ]


def run(
    docs: Path,
    messages: Path | None = None,
    package: Path | None = None,
    glossary_path: Path | None = None,
) -> list[Problem]:
    """Every problem of the docs folder, the message catalogs and the interface code.

    ``messages`` and ``package`` default to the installed sandbox's.
    """
    import sandbox
    from sandbox import i18n

    package = package or Path(sandbox.__file__).resolve().parent
    messages = messages or Path(i18n.__file__).resolve().parent / "messages"
    pages = status.scan(docs)
    catalogs = interface.read_catalogs(messages)
    return [
        *status_problems(docs, pages),
        *parity_problems(docs, pages),
        *glossary_problems(docs, pages, catalogs, glossary_path),
        *catalog_problems(catalogs),
        *code_problems(package),
    ]
