"""Zapier-like text templates: ``{{field_name}}`` placeholders filled from a record.

Rendering is plain substitution in one pass: nothing is evaluated, escaped or expanded
twice, so a buyer who types ``{{email}}`` or HTML into a form field gets that text back
verbatim and cannot make a Zap leak other fields. Escaping for display is the job of
whatever shows the result.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from sandbox.ipn.signing import SIGNATURE_FIELDS
from sandbox.zapier.reasons import Reason, ZapierError, problem

# Spaces inside the braces are allowed: ``{{ order_id }}`` is ``{{order_id}}``.
PLACEHOLDER = re.compile(r"\{\{([^{}]*)\}\}")


class TemplateError(ZapierError):
    """A template cannot be filled; ``code`` says why and ``name`` names the placeholder."""

    @property
    def name(self) -> str:
        return self.params.get("name", "")


def _names(text: str) -> list[str]:
    return [match.group(1).strip() for match in PLACEHOLDER.finditer(text)]


def placeholders(text: str) -> list[str]:
    """Field names used by ``text``, once each, in order of first use."""
    found: list[str] = []
    for name in _names(text):
        if name and name not in found:
            found.append(name)
    return found


def check(text: str, sample: Mapping[str, str] | None = None) -> list[Reason]:
    """Problems with ``text``: empty ``{{ }}``, and names missing from ``sample`` when given."""
    reasons: list[Reason] = []
    if any(not name for name in _names(text)):
        reasons.append(problem("empty_placeholder"))
    if sample is not None:
        missing = [name for name in placeholders(text) if name not in sample]
        reasons.extend(problem("unknown_placeholder", name=name) for name in missing)
    return reasons


def render(text: str, record: Mapping[str, str]) -> str:
    """Fill every placeholder from ``record``; an empty value gives empty text.

    Raises :class:`TemplateError` for a name the record does not have, rather than
    silently writing nothing, so a typo shows up when the Zap is tested.
    """

    def fill(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        if not name:
            raise TemplateError([problem("empty_placeholder")])
        if name not in record:
            raise TemplateError([problem("unknown_placeholder", name=name)])
        value = record[name]
        return "" if value is None else str(value)

    return PLACEHOLDER.sub(fill, text)


def field_picker(sample: Mapping[str, str]) -> list[tuple[str, str]]:
    """The sample's fields as (name, value) pairs sorted by name, for a "insert a field" list."""
    pairs = [(name, str(value)) for name, value in sample.items() if name not in SIGNATURE_FIELDS]
    return sorted(pairs, key=lambda pair: (pair[0].casefold(), pair[0]))
