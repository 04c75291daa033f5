"""Which English pages translate the current French text, and what changed since.

French is the source. Each English page says in its front matter which version of its
French page it translates::

    ---
    translation_of: "3f2a9c0d1e4b5a67"
    ---

The value is :func:`source_hash` of the French file: the first 16 hex digits of the
SHA-256 of its **body without front matter**, normalised (no byte-order mark, ``\\n``
line endings, Unicode NFC, no trailing spaces, no blank lines at either end). Line-ending
or whitespace noise from editors, merges and rebases does not make a page outdated;
any change a reader could see does. Front matter is left out on purpose: it holds
per-file settings (``hide:``, search options) that are not translated.

To show *what* changed, ``mark`` keeps the French body it recorded in a sidecar file,
``<docs>/.translations/<page>.fr.txt`` (MkDocs skips folders starting with a dot). The
sidecar's own hash must equal the recorded one; if it is missing or does not match,
the status still says "outdated" but cannot show a diff. Sidecars are plain files in the
repository: they survive rebases, squashes and shallow clones, unlike a lookup of old
versions in Git history.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from sandbox.translations.markdown import body_lines, clean_newlines, normalised_body, split_front_matter

SOURCE = "fr"
TARGET = "en"
KEY = "translation_of"
SIDECARS = ".translations"
HASH_LENGTH = 16

UP_TO_DATE = "up_to_date"
OUTDATED = "outdated"
MISSING = "missing"
ORPHANED = "orphaned"
STATES = (UP_TO_DATE, OUTDATED, MISSING, ORPHANED)

RECORD = re.compile(rf"^{KEY}:[ \t]*(?P<value>[^\n#]*?)[ \t]*(?:#[^\n]*)?$", re.M)
PAGE_FILE = re.compile(r"^(?P<name>.+?)(?:\.(?P<language>[a-z]{2}))?\.md$")


# --------------------------------------------------------------------------- hashes and records


def source_hash(french: str) -> str:
    """The version of a French page: see the module docstring for what is hashed."""
    return hashlib.sha256(normalised_body(french).encode("utf-8")).hexdigest()[:HASH_LENGTH]


def recorded_hash(english: str) -> str | None:
    """The ``translation_of`` value of an English page's front matter, if any."""
    front, _ = split_front_matter(english)
    match = RECORD.search(front)
    if not match:
        return None
    value = match.group("value").strip().strip("\"'")
    return value or None


def with_record(english: str, value: str) -> str:
    """The English page with ``translation_of`` set to ``value``; nothing else changes."""
    newline = "\r\n" if "\r\n" in english else "\n"
    bom = "\ufeff" if english.startswith("\ufeff") else ""
    front, body = split_front_matter(english)
    line = f'{KEY}: "{value}"'
    if not front:
        front = f"---\n{line}\n---\n"
        if body.strip() and not body.startswith("\n"):
            front += "\n"
    elif RECORD.search(front):
        front = RECORD.sub(line, front, count=1)
    else:
        front = front.replace("\n", f"\n{line}\n", 1)
    return bom + (front + body).replace("\n", newline)


# --------------------------------------------------------------------------- pages on disk


def sidecar_path(docs: Path, name: str) -> Path:
    return docs / SIDECARS / f"{name}.{SOURCE}.txt"


def page_files(docs: Path) -> dict[str, dict[str, Path]]:
    """``{page name: {language: path}}`` for every Markdown page of the docs.

    ``guide/1-zap.fr.md`` is page ``guide/1-zap`` in French; a file without a language
    suffix is in the default language (French), as mkdocs-static-i18n reads it. Folders
    starting with a dot are skipped, like MkDocs does.
    """
    pages: dict[str, dict[str, Path]] = {}
    for path in sorted(docs.rglob("*.md")):
        relative = path.relative_to(docs)
        if any(part.startswith(".") for part in relative.parts):
            continue
        match = PAGE_FILE.match(relative.as_posix())
        if not match:
            continue
        language = match.group("language") or SOURCE
        pages.setdefault(match.group("name"), {})[language] = path
    return pages


def page_name(docs: Path, given: str) -> str:
    """A page name from what a person types: ``guide/1-zap``, ``guide/1-zap.en.md``, a path."""
    text = given.replace("\\", "/")
    candidate = Path(given)
    if candidate.is_absolute() or candidate.exists():
        try:
            text = candidate.resolve().relative_to(docs.resolve()).as_posix()
        except ValueError:
            text = candidate.as_posix()
    docs_prefix = docs.name + "/"
    if text.startswith(docs_prefix) and not (docs / text).exists():
        text = text[len(docs_prefix) :]
    text = text.removeprefix("./")
    match = PAGE_FILE.match(text)
    return match.group("name") if match else text


# --------------------------------------------------------------------------- status


@dataclass(frozen=True)
class PageStatus:
    """One page's translation state.

    ``reason`` says why an outdated page is outdated: ``changed`` (the French text
    changed since ``recorded``), ``never_marked`` (no ``translation_of`` yet).
    ``diff`` is the unified diff of the French page since the translated version, when
    the sidecar of that version is there.
    """

    name: str
    state: str
    current: str | None = None
    recorded: str | None = None
    reason: str = ""
    diff: str | None = None
    added: int = 0
    removed: int = 0
    files: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {
            "page": self.name,
            "state": self.state,
            "reason": self.reason or None,
            "french_hash": self.current,
            "translation_of": self.recorded,
            "files": self.files,
            "changed_lines": {"added": self.added, "removed": self.removed} if self.state == OUTDATED else None,
            "diff": self.diff,
        }


def french_diff(name: str, snapshot: str, french: str, recorded: str) -> tuple[str, int, int]:
    """Unified diff of the French page from the translated version to now.

    Hunk line numbers are those of the current French file (front matter included).
    """
    old = snapshot.split("\n")
    if old and old[-1] == "":
        old.pop()
    new, offset = body_lines(french)
    lines = list(
        difflib.unified_diff(
            old,
            new,
            fromfile=f"{name}.{SOURCE}.md@{recorded}",
            tofile=f"{name}.{SOURCE}.md",
            lineterm="",
        )
    )
    shifted = [_shift_hunk(line, offset) for line in lines]
    added = sum(1 for line in lines[2:] if line.startswith("+"))
    removed = sum(1 for line in lines[2:] if line.startswith("-"))
    return "\n".join(shifted) + ("\n" if shifted else ""), added, removed


def _shift_hunk(line: str, offset: int) -> str:
    match = re.match(r"^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@", line)
    if not match or not offset:
        return line
    old, old_len, new, new_len = match.groups()
    return f"@@ -{int(old) + offset}{old_len or ''} +{int(new) + offset}{new_len or ''} @@" + line[match.end() :]


def status_of(
    name: str,
    french: str | None,
    english: str | None,
    snapshot: str | None = None,
) -> PageStatus:
    """The state of one page from its texts (``None`` for a file that does not exist)."""
    if french is None and english is None:
        raise ValueError(f"page {name!r} has neither a French nor an English file")
    if french is None:
        return PageStatus(name, ORPHANED, recorded=recorded_hash(english or ""))
    current = source_hash(french)
    if english is None:
        return PageStatus(name, MISSING, current=current)
    recorded = recorded_hash(english)
    if recorded == current:
        return PageStatus(name, UP_TO_DATE, current=current, recorded=recorded)
    if recorded is None:
        return PageStatus(name, OUTDATED, current=current, reason="never_marked")
    diff, added, removed = None, 0, 0
    if snapshot is not None and source_hash(snapshot) == recorded:
        diff, added, removed = french_diff(name, clean_newlines(snapshot), french, recorded)
    return PageStatus(
        name,
        OUTDATED,
        current=current,
        recorded=recorded,
        reason="changed",
        diff=diff,
        added=added,
        removed=removed,
    )


def _read(path: Path | None) -> str | None:
    if path is None or not path.is_file():
        return None
    return path.read_text("utf-8")


def page_status(docs: Path, name: str, files: dict[str, Path] | None = None) -> PageStatus:
    files = files if files is not None else page_files(docs).get(name, {})
    french_path, english_path = files.get(SOURCE), files.get(TARGET)
    sidecar = sidecar_path(docs, name)
    status = status_of(name, _read(french_path), _read(english_path), _read(sidecar))
    shown = {language: path.relative_to(docs).as_posix() for language, path in files.items()}
    return dataclasses.replace(status, files=shown)


def scan(docs: Path) -> list[PageStatus]:
    """Every page of the docs folder, in page-name order."""
    return [page_status(docs, name, files) for name, files in page_files(docs).items()]


def mark(docs: Path, name: str) -> str:
    """Record that the English page translates the current French page; return the hash.

    Writes ``translation_of`` into the English page's front matter and the French body
    into the page's sidecar. Raises ``FileNotFoundError`` naming the missing file.
    """
    files = page_files(docs).get(name, {})
    if SOURCE not in files:
        raise FileNotFoundError(str(docs / f"{name}.{SOURCE}.md"))
    if TARGET not in files:
        raise FileNotFoundError(str(docs / f"{name}.{TARGET}.md"))
    french = files[SOURCE].read_text("utf-8")
    value = source_hash(french)
    english_path = files[TARGET]
    english = english_path.read_bytes().decode("utf-8")
    updated = with_record(english, value)
    if updated != english:
        english_path.write_bytes(updated.encode("utf-8"))
    sidecar = sidecar_path(docs, name)
    sidecar.parent.mkdir(parents=True, exist_ok=True)
    sidecar.write_bytes(normalised_body(french).encode("utf-8"))
    return value


def stale_sidecars(docs: Path) -> list[str]:
    """Sidecar files whose page no longer exists (left after a page was renamed)."""
    root = docs / SIDECARS
    if not root.is_dir():
        return []
    names = set(page_files(docs))
    stale = []
    for path in sorted(root.rglob(f"*.{SOURCE}.txt")):
        name = path.relative_to(root).as_posix().removesuffix(f".{SOURCE}.txt")
        if name not in names:
            stale.append(path.relative_to(docs).as_posix())
    return stale
