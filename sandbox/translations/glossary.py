"""The guide's one glossary: ``sandbox/i18n/glossary.json``, French ⇄ English.

It lives in the package, next to the message catalogs, because three readers need it:
the glossary page of the guide (``docs/hooks/translations.py`` renders its tables in
the page's language), the sandbox's interface (:func:`labels` gives the product labels
the live panels show, in either language) and ``ds24-sandbox i18n check``
(:func:`misuses`), which runs from any folder and in the installed package.

An entry::

    {"id": "zapier.trigger_order", "section": "zapier",
     "fr": "Nouvel Événement de Commande", "en": "New Order Event",
     "meaning": {"fr": "…", "en": "…"},
     "keep": false,
     "avoid": {"fr": ["Nouvel événement de commande"], "en": ["New order event"]}}

Labels are Markdown; *italics* mark our own translation of a label we could not read in
the product. A label may also be ``{"label": "*Finish*", "note": {"fr": "…", "en": "…"}}``
for a remark shown in the reader's language. ``keep: true`` means the term is the same
in both languages (Zap, IPN, ``sha_sign``, field names). ``messages`` links the entry to
interface message keys that show exactly this label (a Zapier trigger's name, say):
the check makes sure they do, in both languages. ``avoid`` lists, per language,
the forms a page or a message must not use: matched case-sensitively as whole words,
across line breaks; a form written in lower case also matches with a capital first
letter (the start of a sentence). Only listed forms are flagged, so the check never
guesses.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from sandbox.translations.markdown import line_of, prose

LANGUAGES = ("fr", "en")
SECTIONS_WITH_BOTH_LABELS = ("digistore24", "zapier")
WORD_BEFORE = r"(?<![\w\-/@.])"
WORD_AFTER = r"(?![\w\-/@]|\.\w)"


@dataclass(frozen=True)
class Entry:
    id: str
    section: str
    labels: dict[str, str]
    notes: dict[str, dict[str, str]]
    meaning: dict[str, str]
    keep: bool
    avoid: dict[str, tuple[str, ...]]
    messages: tuple[str, ...] = ()

    def label(self, language: str, reader: str | None = None) -> str:
        """The Markdown label in ``language``, with its note in the ``reader``'s language."""
        text = self.labels[language]
        note = self.notes.get(language, {}).get(reader or language)
        return f"{text} ({note})" if note else text

    def plain(self, language: str) -> str:
        """The label as the product shows it: no Markdown, no note."""
        return plain(self.labels[language])


@dataclass(frozen=True)
class Glossary:
    sections: tuple[str, ...]
    entries: tuple[Entry, ...]

    def entry(self, entry_id: str) -> Entry:
        for item in self.entries:
            if item.id == entry_id:
                return item
        raise KeyError(entry_id)


def plain(markdown: str) -> str:
    """``*Paramètres* › Intégrations`` → ``Paramètres › Intégrations``."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    return re.sub(r"[*`]+", "", text).strip()


def default_path() -> Path:
    return Path(str(resources.files("sandbox.i18n").joinpath("glossary.json")))


def parse(data: Any) -> tuple[Glossary, list[str]]:
    """The glossary and the problems of its data (empty when it is well formed)."""
    problems: list[str] = []
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        return Glossary((), ()), ["the glossary must be an object with an 'entries' list"]
    sections = tuple(data.get("sections") or ())
    entries: list[Entry] = []
    seen: set[str] = set()
    for number, raw in enumerate(data["entries"], start=1):
        where = f"entry {number} ({raw.get('id', '?') if isinstance(raw, dict) else '?'})"
        if not isinstance(raw, dict):
            problems.append(f"{where}: not an object")
            continue
        entry_id = raw.get("id")
        if not isinstance(entry_id, str) or not entry_id:
            problems.append(f"{where}: no id")
            continue
        if entry_id in seen:
            problems.append(f"{where}: id used twice")
        seen.add(entry_id)
        if raw.get("section") not in sections:
            problems.append(f"{where}: section {raw.get('section')!r} is not one of {list(sections)}")
        labels: dict[str, str] = {}
        notes: dict[str, dict[str, str]] = {}
        for language in LANGUAGES:
            value = raw.get(language)
            if isinstance(value, dict):
                notes[language] = {key: str(text) for key, text in (value.get("note") or {}).items()}
                value = value.get("label")
                if set(notes[language]) != set(LANGUAGES):
                    problems.append(f"{where}: the note of the {language} label needs fr and en")
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{where}: no {language} label")
                value = ""
            labels[language] = value
        meaning = raw.get("meaning") or {}
        for language in LANGUAGES:
            if not isinstance(meaning.get(language), str) or not meaning[language].strip():
                problems.append(f"{where}: no {language} meaning")
        keep = bool(raw.get("keep", False))
        if keep and plain(labels["fr"]) != plain(labels["en"]):
            problems.append(f"{where}: keep is true but the labels differ ({labels['fr']!r} / {labels['en']!r})")
        avoid_raw = raw.get("avoid") or {}
        avoid: dict[str, tuple[str, ...]] = {}
        for language, forms in avoid_raw.items():
            if language not in LANGUAGES or not isinstance(forms, list) or not all(isinstance(f, str) for f in forms):
                problems.append(f"{where}: avoid must map fr/en to lists of strings")
                continue
            agreed = plain(labels.get(language, ""))
            for form in forms:
                if form == agreed:
                    problems.append(f"{where}: {language} avoids its own agreed form {form!r}")
            avoid[language] = tuple(forms)
        keys = raw.get("messages") or []
        if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
            problems.append(f"{where}: messages must be a list of message keys")
            keys = []
        entries.append(
            Entry(
                id=entry_id,
                section=str(raw.get("section")),
                labels=labels,
                notes=notes,
                meaning={language: str(meaning.get(language, "")) for language in LANGUAGES},
                keep=keep,
                avoid=avoid,
                messages=tuple(keys),
            )
        )
    return Glossary(sections, tuple(entries)), problems


def load(path: Path | None = None) -> Glossary:
    """The glossary; raises ``ValueError`` listing the problems of malformed data."""
    glossary, problems = parse(json.loads((path or default_path()).read_text("utf-8")))
    if problems:
        raise ValueError("glossary.json: " + "; ".join(problems))
    return glossary


@cache
def default() -> Glossary:
    return load()


# --------------------------------------------------------------------------- uses


def labels(language: str, glossary: Glossary | None = None) -> dict[str, str]:
    """``{entry id: label as the product shows it}`` in one language, for the interface.

    The live panels name buttons and fields of Digistore24 and Zapier; taking the words
    from here keeps them identical to the guide's.
    """
    glossary = glossary or default()
    return {entry.id: entry.plain(language) for entry in glossary.entries}


def export(glossary: Glossary | None = None) -> dict[str, dict[str, str]]:
    """``{entry id: {"fr": …, "en": …}}``: every label in both languages, as plain text."""
    glossary = glossary or default()
    return {entry.id: {language: entry.plain(language) for language in LANGUAGES} for entry in glossary.entries}


def cell(text: str) -> str:
    return text.replace("\n", " ").replace("|", "\\|")


def render(section: str, language: str, headers: list[str], glossary: Glossary | None = None) -> str:
    """One section as a Markdown table in the page's language.

    Sections of product labels have three columns (this language, the other, meaning);
    the guide's own words have two (term, meaning). ``headers`` are the column titles.
    """
    glossary = glossary or default()
    if section not in glossary.sections:
        raise KeyError(section)
    other = "en" if language == "fr" else "fr"
    rows = []
    for entry in glossary.entries:
        if entry.section != section:
            continue
        if section in SECTIONS_WITH_BOTH_LABELS:
            cells = [entry.label(language, language), entry.label(other, language), entry.meaning[language]]
        else:
            cells = [entry.label(language, language), entry.meaning[language]]
        rows.append("| " + " | ".join(cell(value) for value in cells) + " |")
    header = "| " + " | ".join(headers) + " |"
    rule = "|" + "|".join(" --- " for _ in headers) + "|"
    return "\n".join([header, rule, *rows])


# --------------------------------------------------------------------------- misuse


@dataclass(frozen=True)
class Misuse:
    """A form to avoid, found at ``line`` (a page) or in message ``key`` (a catalog)."""

    entry: str
    language: str
    found: str
    agreed: str
    line: int = 0
    key: str = ""


def form_pattern(form: str) -> re.Pattern[str]:
    words = form.split()
    parts = [re.escape(word) for word in words]
    first = words[0]
    if first[:1].islower():
        parts[0] = f"[{re.escape(first[0])}{re.escape(first[0].upper())}]" + re.escape(first[1:])
    return re.compile(WORD_BEFORE + r"\s+".join(parts) + WORD_AFTER)


def _is_gloss(text: str, start: int, agreed: str) -> bool:
    """``phrase secrète (passphrase)``: the other term given in parentheses after the agreed one."""
    words = [re.escape(word) for word in agreed.split()]
    if not words:
        return False
    before = text[max(0, start - 200) : start]
    return re.search(r"\s+".join(words) + r"[*_]*\s*\(\s*[*_]*$", before, re.I) is not None


def _forms(glossary: Glossary, language: str) -> list[tuple[Entry, str, re.Pattern[str]]]:
    return [(entry, form, form_pattern(form)) for entry in glossary.entries for form in entry.avoid.get(language, ())]


def misuses(text: str, language: str, glossary: Glossary | None = None) -> list[Misuse]:
    """Forms to avoid in a page's prose (code, comments, link targets and HTML tags skipped)."""
    glossary = glossary or default()
    masked = prose(text)
    masked = re.sub(r"\]\([^)\n]*\)", lambda match: " " * len(match.group(0)), masked)
    masked = re.sub(r"<[^>\n]*>", lambda match: " " * len(match.group(0)), masked)
    found = []
    for entry, _, pattern in _forms(glossary, language):
        for match in pattern.finditer(masked):
            if _is_gloss(masked, match.start(), entry.plain(language)):
                continue
            found.append(
                Misuse(
                    entry.id,
                    language,
                    " ".join(match.group(0).split()),
                    entry.plain(language),
                    line=line_of(masked, match.start()),
                )
            )
    return sorted(found, key=lambda item: (item.line, item.entry))


def same_label(shown: str, agreed: str) -> bool:
    """The interface shows the agreed label; only the first letter's case may differ."""
    return shown[:1].lower() == agreed[:1].lower() and shown[1:] == agreed[1:]


@dataclass(frozen=True)
class LabelDrift:
    """Message ``key``, linked to a glossary entry, does not show its agreed label."""

    entry: str
    key: str
    language: str
    shown: str | None
    agreed: str


def label_drift(catalogs: dict[str, dict[str, str]], glossary: Glossary | None = None) -> list[LabelDrift]:
    """Messages that name a product label (``messages`` of an entry) and do not show it as agreed.

    ``catalogs`` is ``{language: {key: text}}``. A linked message is exactly the label,
    e.g. ``zapier.trigger.order.label`` = "Nouvel Événement de Commande".
    """
    glossary = glossary or default()
    found = []
    for entry in glossary.entries:
        for key in entry.messages:
            for language in LANGUAGES:
                shown = catalogs.get(language, {}).get(key)
                agreed = entry.plain(language)
                if shown is None or not same_label(shown, agreed):
                    found.append(LabelDrift(entry.id, key, language, shown, agreed))
    return found


def catalog_misuses(messages: dict[str, str], language: str, glossary: Glossary | None = None) -> list[Misuse]:
    """Forms to avoid in interface messages of one language."""
    glossary = glossary or default()
    found = []
    for key, raw in messages.items():
        text = re.sub(r"\{[^{}]*\}", lambda match: " " * len(match.group(0)), raw)  # placeholders
        for entry, _, pattern in _forms(glossary, language):
            for match in pattern.finditer(text):
                if _is_gloss(text, match.start(), entry.plain(language)):
                    continue
                found.append(Misuse(entry.id, language, match.group(0), entry.plain(language), key=key))
    return found
