"""Just enough Markdown reading for translation checks: front matter, fences, prose.

Everything here is a pure function over text. Line numbers are 1-based and count the
lines of the whole file, front matter included, so that a message can point into the
file a translator has open.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# The same rule as MkDocs (mkdocs.utils.meta.YAML_RE): a YAML block opened by ``---`` on
# the first line and closed by ``---`` or ``...``.
FRONT_MATTER = re.compile(r"\A-{3}[ \t]*\n(.*?\n)?(?:\.{3}|-{3})[ \t]*(?:\n|\Z)", re.S)
FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<mark>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*?)[ \t]*$")
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)


def clean_newlines(text: str) -> str:
    """Text as read on any machine: no byte-order mark, ``\\n`` line endings."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str) -> tuple[str, str]:
    """``(front matter with its delimiters, body)``; the front matter is ``""`` if there is none."""
    text = clean_newlines(text)
    match = FRONT_MATTER.match(text)
    if not match:
        return "", text
    return text[: match.end()], text[match.end() :]


def body_lines(text: str) -> tuple[list[str], int]:
    """The body's lines, normalised, and how many file lines come before the first one.

    Normalised: Unicode NFC, no trailing spaces, no blank lines at the start or the end.
    These are the changes an editor, a merge or a rebase makes without anyone meaning to
    change the text.
    """
    front, body = split_front_matter(text)
    lines = [unicodedata.normalize("NFC", line).rstrip() for line in body.split("\n")]
    start = 0
    while start < len(lines) and not lines[start]:
        start += 1
    end = len(lines)
    while end > start and not lines[end - 1]:
        end -= 1
    return lines[start:end], front.count("\n") + start


def normalised_body(text: str) -> str:
    """What a translation is a translation of: the body (no front matter), normalised."""
    lines, _ = body_lines(text)
    return "\n".join(lines) + "\n" if lines else ""


@dataclass(frozen=True)
class Fence:
    """A fenced code block: its opening line, language and content lines (dedented)."""

    line: int
    language: str
    content: tuple[tuple[int, str], ...]


def fence_language(info: str) -> str:
    """``python`` from ``python``, ``python title="x"`` or ``{ .python .extra }``."""
    info = info.strip()
    if info.startswith("{"):
        match = re.search(r"\.([\w+#-]+)", info)
        return match.group(1).lower() if match else ""
    return info.split()[0].lower() if info else ""


def fences(text: str) -> list[Fence]:
    """Every fenced code block of the file, nested in admonitions or tabs too."""
    lines = clean_newlines(text).split("\n")
    found: list[Fence] = []
    index = _skip_front_matter(lines)
    while index < len(lines):
        match = FENCE_OPEN.match(lines[index])
        if not match or (match.group("mark")[0] == "`" and "`" in match.group("info")):
            index += 1
            continue
        indent, mark = match.group("indent"), match.group("mark")
        content: list[tuple[int, str]] = []
        close = index + 1
        while close < len(lines):
            stripped = lines[close].strip()
            if stripped and set(stripped) == {mark[0]} and len(stripped) >= len(mark):
                break
            line = lines[close]
            content.append((close + 1, line[len(indent) :] if line.startswith(indent) else line.lstrip()))
            close += 1
        found.append(Fence(index + 1, fence_language(match.group("info")), tuple(content)))
        index = close + 1
    return found


def _skip_front_matter(lines: list[str]) -> int:
    front, _ = split_front_matter("\n".join(lines))
    return front.count("\n")


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def prose(text: str, *, keep_comments: bool = False, keep_code_spans: bool = False) -> str:
    """The text with everything that is not prose blanked out, line and column kept.

    Front matter, fenced code and (unless asked) HTML comments and inline code become
    spaces, so a search in the result finds only what a reader reads as text, at the same
    offset as in the file.
    """
    text = clean_newlines(text)
    lines = text.split("\n")
    blank = [False] * len(lines)
    for number in range(_skip_front_matter(lines)):
        blank[number] = True
    for fence in fences(text):
        blank[fence.line - 1] = True
        for number, _ in fence.content:
            blank[number - 1] = True
        closing = (fence.content[-1][0] if fence.content else fence.line) + 1
        if closing <= len(lines):
            blank[closing - 1] = True
    masked = "\n".join(" " * len(line) if blank[number] else line for number, line in enumerate(lines))
    if not keep_comments:
        masked = HTML_COMMENT.sub(_blank, masked)
    if not keep_code_spans:
        masked = CODE_SPAN.sub(_blank, masked)
    return masked


def line_of(text: str, offset: int) -> int:
    """The 1-based line number of a character offset."""
    return text.count("\n", 0, offset) + 1
