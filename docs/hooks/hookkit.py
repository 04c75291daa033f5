"""What the guide's MkDocs hooks share: loading the sandbox's code, and markers.

A marker is an HTML comment alone on its line, ``<!-- NS:kind name=value -->``, that a
hook replaces with generated Markdown. Anything that looks like a marker of the hook's
namespace but does not parse fails the build, so a typo never ships as an empty spot.
"""

from __future__ import annotations

import contextlib
import importlib
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
PARAM = re.compile(r"([a-z_]+)=([^\s=]+)")


def sandbox_module(name: str) -> Any:
    """Import a module of the sandbox, putting the repository root on ``sys.path`` if needed."""
    root = str(REPO_ROOT)
    if root not in sys.path:
        sys.path.insert(0, root)
    return importlib.import_module(name)


def page_language(page: Any, config: Any) -> str:
    """The language of the page's Markdown source, from the first of these that is set:

    1. ``page.file.locale``: set by mkdocs-static-i18n on every file it manages.
    2. The i18n plugin's ``current_language`` (the language being built).
    3. ``theme.language``, which the plugin sets per build for mkdocs-material.
    """
    candidates = [getattr(getattr(page, "file", None), "locale", None)]
    with contextlib.suppress(KeyError, AttributeError, TypeError):
        candidates.append(config["plugins"]["i18n"].current_language)
    with contextlib.suppress(KeyError, TypeError):
        candidates.append(config["theme"]["language"])
    for candidate in candidates:
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE


class Markers:
    def __init__(self, namespace: str, label: str) -> None:
        self.namespace = namespace
        self.label = label  # how error messages name these markers
        self.pattern = re.compile(
            rf"^(?P<indent>[ \t]*)<!--\s*{namespace}:(?P<kind>[a-z][a-z-]*)"
            r"(?P<params>(?:\s+[a-z_]+=[^\s=]+)*)\s*-->[ \t]*$",
            re.M,
        )
        self.anything = re.compile(rf"<!--\s*{namespace}:.*?-->", re.S)

    def expand(self, markdown: str, build: Callable[[str, dict[str, str]], str], where: str = "") -> str:
        """Replace each marker by ``build(kind, params)``, indented like the marker."""

        def replace(match: re.Match[str]) -> str:
            block = build(match.group("kind"), dict(PARAM.findall(match.group("params"))))
            # Inside a tab or an admonition the wrapper's content is Markdown already, and
            # md_in_html would leave its ``markdown`` attribute in the page.
            indent = match.group("indent")
            if indent:
                block = block.replace(" markdown>", ">")
            return "\n" + "\n".join(indent + line if line else line for line in block.split("\n")) + "\n"

        result = self.pattern.sub(replace, markdown)
        leftover = self.anything.search(result)
        if leftover:
            prefix = f"{where}: " if where else ""
            raise PluginError(
                f"{prefix}malformed {self.label} marker {leftover.group(0)!r}: "
                f"write it alone on its line, as <!-- {self.namespace}:kind name=value -->"
            )
        return result
