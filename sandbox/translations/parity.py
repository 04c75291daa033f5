"""Structural parity between a French page and its English translation.

A translation changes the words, never the skeleton. Compared, in this order:

``anchor``
    Heading levels and ``{ #id }`` anchors, in order (links from other pages and from
    the other language land on them).
``admonition``
    ``!!!`` / ``???`` / ``???+`` blocks and their type, in order.
``panel``
    Live sandbox panels (``data-panel`` names), in order.
``marker``
    Generated-content markers (``<!-- ds24:… -->``, ``<!-- i18n:… -->``), in order.
``code``
    Fenced code blocks, in order: the same language; for code, the same content except
    comment lines and trailing comments. Values a reader replaces may be translated: a
    quoted string, an ``ALL_CAPS_PLACEHOLDER`` or a file name (``message.txt``) may
    differ, token for token. ``text`` blocks and blocks without a language are prose
    (an e-mail template, say): only their language is compared.
``link`` / ``image``
    Link and image targets, Markdown or HTML, as a multiset: sentences may move, the
    targets may not change.

Everything is a pure function of the two texts; line numbers are those of the files.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

from sandbox.translations.markdown import Fence, fences, line_of, prose

KINDS = ("anchor", "admonition", "panel", "marker", "code", "link", "image")
ORDERED = {"anchor", "admonition", "panel", "marker", "code"}
PROSE_LANGUAGES = {"", "text", "txt", "plain", "plaintext", "md", "markdown"}
HASH_COMMENTS = {
    "python",
    "py",
    "python3",
    "pycon",
    "bash",
    "sh",
    "shell",
    "console",
    "zsh",
    "yaml",
    "yml",
    "toml",
    "ini",
    "conf",
    "ruby",
    "rb",
    "perl",
    "r",
    "dockerfile",
    "make",
    "makefile",
    "properties",
    "php",
    "env",
    "dotenv",
}
SLASH_COMMENTS = {
    "js",
    "javascript",
    "ts",
    "typescript",
    "jsonc",
    "json5",
    "php",
    "java",
    "c",
    "cpp",
    "c++",
    "cs",
    "csharp",
    "go",
    "rust",
    "rs",
    "kotlin",
    "swift",
    "scss",
    "less",
}
DASH_COMMENTS = {"sql", "lua", "haskell", "hs"}

HEADING = re.compile(r"^(?P<level>#{1,6})[ \t]+(?P<text>.*?)[ \t]*$", re.M)
HEADING_ID = re.compile(r"\{[^{}]*?#(?P<id>[\w-]+)[^{}]*\}$")
ADMONITION = re.compile(r"^[ \t]*(?P<mark>!!!|\?\?\?\+?)[ \t]+(?P<type>[\w-]+)", re.M)
PANEL = re.compile(r"""\bdata-panel=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')""")
MARKER = re.compile(r"<!--\s*(?P<body>(?:ds24|i18n):.*?)\s*-->", re.S)
LINK = re.compile(
    r"(?P<bang>!?)\[(?P<text>(?:[^\[\]]|\[[^\[\]]*\])*)\]"
    r"\(\s*(?P<target><[^<>\n]*>|[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)"
    r"(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?\s*\)"
)
REFERENCE = re.compile(r"^[ ]{0,3}\[(?P<label>[^\]\n^]+)\]:[ \t]*(?P<target><[^>\n]*>|\S+)", re.M)
HTML_LINK = re.compile(r"""<(?P<tag>a|img)\b[^>]*?\b(?:href|src)\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')""", re.I)
AUTOLINK = re.compile(r"<(?P<target>(?:https?|mailto|ftp):[^<>\s]+)>", re.I)

PLACEHOLDER = re.compile(r"^[A-ZÀ-Ý0-9]+(?:_[A-ZÀ-Ý0-9]+)+$")
FILE_NAME = re.compile(r"^[\w-]*[^\W\d_][\w-]*\.[A-Za-z0-9]{1,5}$")
TOKEN = re.compile(r""""(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|[^\s"'()\[\]{},;]+|\S""")


@dataclass(frozen=True)
class Item:
    kind: str
    value: str
    line: int


@dataclass(frozen=True)
class Mismatch:
    """One structural difference.

    ``french``/``english`` hold the value in each file (``None``: absent there);
    ``french_line``/``english_line`` point at it, or, for an absent item, at where it
    would be expected: by the neighbouring items of its kind, else by the heading of its
    section in the other file.
    For code, ``block_lines`` are the lines of the two blocks' opening fences.
    """

    kind: str
    french: str | None
    english: str | None
    french_line: int | None
    english_line: int | None
    block_lines: tuple[int, int] | None = None

    @property
    def form(self) -> str:
        """``missing`` (only in French), ``extra`` (only in English) or ``differs``."""
        if self.english is None:
            return "missing"
        if self.french is None:
            return "extra"
        return "differs"


# --------------------------------------------------------------------------- extraction


def anchors(text: str) -> list[Item]:
    masked = prose(text, keep_code_spans=True)
    items = []
    for match in HEADING.finditer(masked):
        level = len(match.group("level"))
        found = HEADING_ID.search(match.group("text"))
        value = f"h{level} #{found.group('id')}" if found else f"h{level} (no id)"
        items.append(Item("anchor", value, line_of(masked, match.start())))
    return items


def admonitions(text: str) -> list[Item]:
    masked = prose(text)
    return [
        Item("admonition", f"{match.group('mark')} {match.group('type')}", line_of(masked, match.start()))
        for match in ADMONITION.finditer(masked)
    ]


def panels(text: str) -> list[Item]:
    masked = prose(text)
    return [
        Item(
            "panel",
            match.group("dq") if match.group("dq") is not None else match.group("sq"),
            line_of(masked, match.start()),
        )
        for match in PANEL.finditer(masked)
    ]


def markers(text: str) -> list[Item]:
    masked = prose(text, keep_comments=True)
    return [
        Item("marker", " ".join(match.group("body").split()), line_of(masked, match.start()))
        for match in MARKER.finditer(masked)
    ]


def links(text: str) -> list[Item]:
    """Link and image targets: ``[t](x)``, ``![a](x)``, ``[r]: x``, ``<a href>``, ``<img src>``, ``<https://…>``."""
    masked = prose(text)
    found: list[tuple[int, Item]] = []
    for match in LINK.finditer(masked):
        kind = "image" if match.group("bang") else "link"
        target = match.group("target").strip("<>")
        start = match.start("target")
        found.append((start, Item(kind, target, line_of(masked, start))))
        # An image inside a link's text: [![alt](img)](target).
        for inner in LINK.finditer(match.group("text")):
            inner_start = match.start("text") + inner.start("target")
            inner_kind = "image" if inner.group("bang") else "link"
            found.append(
                (inner_start, Item(inner_kind, inner.group("target").strip("<>"), line_of(masked, inner_start)))
            )
    for match in REFERENCE.finditer(masked):
        found.append((match.start(), Item("link", match.group("target").strip("<>"), line_of(masked, match.start()))))
    for match in HTML_LINK.finditer(masked):
        target = match.group("dq") if match.group("dq") is not None else match.group("sq")
        kind = "image" if match.group("tag").lower() == "img" else "link"
        found.append((match.start(), Item(kind, target, line_of(masked, match.start()))))
    for match in AUTOLINK.finditer(masked):
        found.append((match.start(), Item("link", match.group("target"), line_of(masked, match.start()))))
    return [item for _, item in sorted(found, key=lambda pair: pair[0])]


def code_blocks(text: str) -> list[tuple[Item, Fence]]:
    return [(Item("code", fence.language or "(none)", fence.line), fence) for fence in fences(text)]


# --------------------------------------------------------------------------- code content


def _comment_marks(language: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(marks that make a whole line a comment, marks that start a trailing comment)``."""
    whole: list[str] = []
    trailing: list[str] = []
    if language in HASH_COMMENTS:
        whole += ["#"]
        trailing += ["#"]
    if language in SLASH_COMMENTS:
        whole += ["//", "/*", "*"]
        trailing += ["//", "/*"]
    if language in DASH_COMMENTS:
        whole += ["--"]
        trailing += ["--"]
    if language in {"html", "xml", "svg", "vue"}:
        whole += ["<!--"]
        trailing += ["<!--"]
    if language in {"css", "scss", "less"}:
        whole += ["/*", "*"]
        trailing += ["/*"]
    if language in {"ini", "asm", "lisp", "clojure"}:
        whole += [";"]
    return tuple(whole), tuple(trailing)


def code_tokens(line: str, language: str) -> list[str]:
    """The tokens of one code line without its comment (``[]`` for a comment line)."""
    whole, trailing = _comment_marks(language)
    stripped = line.strip()
    if not stripped or stripped.startswith(whole):
        return []
    tokens: list[str] = []
    for match in TOKEN.finditer(line):
        token = match.group(0)
        before = line[match.start() - 1] if match.start() else " "
        if trailing and before.isspace() and token.startswith(trailing):
            break  # a trailing comment: the rest of the line is prose
        tokens.append(token)
    return tokens


def _translatable(token: str) -> str | None:
    """The class of a token a translation may change: a string, a placeholder, a file name."""
    if len(token) >= 2 and token[0] == token[-1] and token[0] in "\"'":
        return "string"
    if PLACEHOLDER.match(token):
        return "placeholder"
    if FILE_NAME.match(token):
        return "file"
    return None


def same_code_line(french: list[str], english: list[str]) -> bool:
    if len(french) != len(english):
        return False
    for fr, en in zip(french, english, strict=True):
        if fr == en:
            continue
        kind = _translatable(fr)
        if kind is None or kind != _translatable(en):
            return False
    return True


def compare_code(french: Fence, english: Fence) -> Mismatch | None:
    """The first differing code line of two blocks of the same language, if any."""
    if french.language in PROSE_LANGUAGES:
        return None
    fr_lines = [(n, line, code_tokens(line, french.language)) for n, line in french.content]
    en_lines = [(n, line, code_tokens(line, english.language)) for n, line in english.content]
    fr_code = [entry for entry in fr_lines if entry[2]]
    en_code = [entry for entry in en_lines if entry[2]]
    blocks = (french.line, english.line)
    for (fr_number, fr_text, fr_tokens), (en_number, en_text, en_tokens) in zip(fr_code, en_code, strict=False):
        if not same_code_line(fr_tokens, en_tokens):
            return Mismatch("code", fr_text.strip(), en_text.strip(), fr_number, en_number, blocks)
    if len(fr_code) > len(en_code):
        number, text, _ = fr_code[len(en_code)]
        end = english.content[-1][0] if english.content else english.line
        return Mismatch("code", text.strip(), None, number, end, blocks)
    if len(en_code) > len(fr_code):
        number, text, _ = en_code[len(fr_code)]
        end = french.content[-1][0] if french.content else french.line
        return Mismatch("code", None, text.strip(), end, number, blocks)
    return None


# --------------------------------------------------------------------------- comparison


def _near(items: list[Item], index: int) -> int | None:
    """The line where an item missing at ``index`` would be: the next item's, else the last's."""
    if index < len(items):
        return items[index].line
    return items[-1].line if items else None


def align(kind: str, french: list[Item], english: list[Item], *, ordered: bool) -> list[Mismatch]:
    """Differences between two item lists; unordered kinds forgive items that only moved."""
    matcher = SequenceMatcher(None, [item.value for item in french], [item.value for item in english], autojunk=False)
    pairs: list[Mismatch] = []
    only_french: list[tuple[Item, int | None]] = []
    only_english: list[tuple[Item, int | None]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        left, right = french[i1:i2], english[j1:j2]
        if tag == "replace" and ordered:
            for fr, en in zip(left, right, strict=False):
                pairs.append(Mismatch(kind, fr.value, en.value, fr.line, en.line))
            common = min(len(left), len(right))
            left, right = left[common:], right[common:]
            j1, i1 = j1 + common, i1 + common
        only_french += [(item, _near(english, j1)) for item in left]
        only_english += [(item, _near(french, i1)) for item in right]
    if not ordered:
        remaining = Counter(item.value for item, _ in only_english)
        moved = Counter(item.value for item, _ in only_french) & remaining
        only_french = _drop(only_french, moved)
        only_english = _drop(only_english, moved)
    found = pairs
    found += [Mismatch(kind, item.value, None, item.line, hint) for item, hint in only_french]
    found += [Mismatch(kind, None, item.value, hint, item.line) for item, hint in only_english]
    return sorted(found, key=lambda item: (item.french_line or 0, item.english_line or 0))


def _drop(entries: list[tuple[Item, int | None]], counts: Counter[str]) -> list[tuple[Item, int | None]]:
    left = Counter(counts)
    kept = []
    for item, hint in entries:
        if left[item.value] > 0:
            left[item.value] -= 1
        else:
            kept.append((item, hint))
    return kept


def _landmark(line: int, source: list[Item], target: list[Item]) -> int:
    """Where ``line`` of one file is in the other: the line of the same section's heading there."""
    lines = {item.value: item.line for item in target}
    best = 1
    for item in source:
        if item.line > line:
            break
        if item.value in lines and not item.value.endswith("(no id)"):
            best = lines[item.value]
    return best


def _placed(found: list[Mismatch], french: str, english: str) -> list[Mismatch]:
    """Give an absent item a line in the other file even when that file has none of its kind."""
    french_anchors, english_anchors = anchors(french), anchors(english)
    placed = []
    for item in found:
        if item.english_line is None and item.french_line is not None:
            item = dataclasses.replace(item, english_line=_landmark(item.french_line, french_anchors, english_anchors))
        elif item.french_line is None and item.english_line is not None:
            item = dataclasses.replace(item, french_line=_landmark(item.english_line, english_anchors, french_anchors))
        placed.append(item)
    return placed


def compare(french: str, english: str) -> list[Mismatch]:
    """Every structural difference between a French page and its translation."""
    return _placed(_compare(french, english), french, english)


def _compare(french: str, english: str) -> list[Mismatch]:
    found: list[Mismatch] = []
    found += align("anchor", anchors(french), anchors(english), ordered=True)
    found += align("admonition", admonitions(french), admonitions(english), ordered=True)
    found += align("panel", panels(french), panels(english), ordered=True)
    found += align("marker", markers(french), markers(english), ordered=True)
    french_code, english_code = code_blocks(french), code_blocks(english)
    found += align("code", [item for item, _ in french_code], [item for item, _ in english_code], ordered=True)
    matcher = SequenceMatcher(
        None,
        [item.value for item, _ in french_code],
        [item.value for item, _ in english_code],
        autojunk=False,
    )
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            mismatch = compare_code(french_code[block.a + offset][1], english_code[block.b + offset][1])
            if mismatch:
                found.append(mismatch)
    french_links, english_links = links(french), links(english)
    for kind in ("link", "image"):
        found += align(
            kind,
            [item for item in french_links if item.kind == kind],
            [item for item in english_links if item.kind == kind],
            ordered=False,
        )
    return found
