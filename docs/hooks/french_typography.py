"""MkDocs hook: French spacing in French pages, so ``:`` or ``»`` never starts a line.

French puts a space before ``: ; ! ?`` and inside guillemets. Written as ordinary spaces in
the sources, these can break a line just before the sign. This hook turns them into
no-break spaces in the page's text only, never inside code, scripts or tag attributes.
The page's language comes from mkdocs-static-i18n's ``page.file.locale``.
"""

from __future__ import annotations

import re
from typing import Any

NBSP = "\u00a0"  # before ":" and inside « »
NNBSP = "\u202f"  # narrow, before ";", "!" and "?"
SKIP = ("code", "pre", "script", "style", "kbd", "samp", "textarea")

TAG = re.compile(r"(<[^>]+>)")
TAG_NAME = re.compile(r"<(/?)([a-zA-Z0-9]+)")
# Text without any of these signs is left as is: checking first skips most text runs.
SIGNS = re.compile("[:;!?«»]")
BEFORE_COLON = re.compile(r"[ \u00a0\u202f]+:(?=\s|$|<)")
BEFORE_MARK = re.compile(r"[ \u00a0\u202f]+([;!?])(?=\s|$|[)»<.,]|$)")
OPENING = re.compile(r"«[ \u00a0\u202f]+")
CLOSING = re.compile(r"[ \u00a0\u202f]+»")


def space_text(text: str) -> str:
    text = BEFORE_COLON.sub(NBSP + ":", text)
    text = BEFORE_MARK.sub(lambda match: NNBSP + match.group(1), text)
    text = OPENING.sub("«" + NBSP, text)
    return CLOSING.sub(NBSP + "»", text)


def space_html(html: str) -> str:
    """Apply :func:`space_text` to text between tags, outside code-like elements."""
    parts = TAG.split(html)
    depth = 0
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            match = TAG_NAME.match(part)
            if match and match.group(2).lower() in SKIP and not part.endswith("/>"):
                depth += -1 if match.group(1) else 1
                depth = max(depth, 0)
        elif depth == 0 and SIGNS.search(part):
            parts[index] = space_text(part)
    return "".join(parts)


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    if getattr(page.file, "locale", None) != "fr":
        return html
    return space_html(html)
