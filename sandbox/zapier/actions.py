"""The two actions the help page names: Google Sheets "Create Spreadsheet Row" and Gmail
"Send Email", simulated as plain data, plus a CSV export of a simulated sheet.

Configs are JSON-ready dicts so a Zap can be stored as is:

* sheets: ``{"spreadsheet": "Orders", "columns": [{"header": "Order", "template": "{{order_id}}"}]}``
* gmail: ``{"to": "{{email}}", "subject": "...", "body": "..."}``
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence

from sandbox.zapier import templates
from sandbox.zapier.reasons import Reason, ZapierError, problem

SHEETS = "sheets"
GMAIL = "gmail"
KINDS = (SHEETS, GMAIL)
GMAIL_FIELDS = ("to", "subject", "body")
# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_ADDRESS = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")


def label_key(kind: str) -> str:
    return f"zapier.action.{kind}.label"


def field_key(kind: str, name: str) -> str:
    return f"zapier.action.{kind}.{name}"


def columns(config: Mapping[str, object]) -> list[tuple[str, str]]:
    """The sheet's (header, template) pairs in column order, tolerant of stored JSON."""
    found: list[tuple[str, str]] = []
    raw = config.get("columns")
    for column in raw if isinstance(raw, list | tuple) else ():
        if isinstance(column, Mapping):
            found.append((str(column.get("header") or "").strip(), str(column.get("template") or "")))
        else:
            found.append(("", ""))
    return found


def _text(config: Mapping[str, object], name: str) -> str:
    value = config.get(name)
    return "" if value is None else str(value)


def validate(kind: str, config: Mapping[str, object], sample: Mapping[str, str] | None = None) -> list[Reason]:
    """Everything to fix before the action can run: missing parts and, with a sample, unknown fields."""
    if kind == SHEETS:
        reasons: list[Reason] = []
        if not _text(config, "spreadsheet").strip():
            reasons.append(problem("missing_spreadsheet"))
        pairs = columns(config)
        if not pairs:
            reasons.append(problem("no_columns"))
        seen: set[str] = set()
        for position, (header, template) in enumerate(pairs, start=1):
            if not header:
                reasons.append(problem("blank_column_header", position=position))
            elif header in seen:
                reasons.append(problem("duplicate_column", column=header))
            seen.add(header)
            if not template.strip():
                reasons.append(problem("missing_column_template", column=header or str(position)))
            reasons.extend(templates.check(template, sample))
        return reasons
    if kind == GMAIL:
        reasons = []
        for name in GMAIL_FIELDS:
            template = _text(config, name)
            if not template.strip():
                reasons.append(problem("missing_template", {"field": field_key(GMAIL, name)}))
            reasons.extend(templates.check(template, sample))
        return reasons
    return [problem("unknown_action", kind=kind, allowed=", ".join(KINDS))]


def _require_valid(kind: str, config: Mapping[str, object]) -> None:
    reasons = validate(kind, config)
    if reasons:
        raise ZapierError(reasons)


def create_row(config: Mapping[str, object], record: Mapping[str, str]) -> dict[str, str]:
    """The row "Create Spreadsheet Row" would add: header → rendered text, in column order."""
    _require_valid(SHEETS, config)
    return {header: templates.render(template, record) for header, template in columns(config)}


def _one_line(text: str) -> str:
    # Header fields of an e-mail are single-line; a value with a line break must not add headers.
    return " ".join(text.splitlines()).strip()


def send_email(config: Mapping[str, object], record: Mapping[str, str]) -> dict[str, str]:
    """The message "Send Email" would send. The body is plain text: HTML in it stays text."""
    _require_valid(GMAIL, config)
    to = _one_line(templates.render(_text(config, "to"), record))
    message = {
        "to": to,
        "subject": _one_line(templates.render(_text(config, "subject"), record)),
        "body": templates.render(_text(config, "body"), record),
        "format": "text",
    }
    if not to:
        raise ZapierError([problem("empty_recipient")])
    for address in (part.strip() for part in to.split(",")):
        if not _ADDRESS.fullmatch(address):
            raise ZapierError([problem("bad_recipient", to=address)])
    return message


def perform(kind: str, config: Mapping[str, object], record: Mapping[str, str]) -> dict[str, object]:
    """Run an action on a record; raises :class:`ZapierError` (templates: ``TemplateError``)."""
    if kind == SHEETS:
        row = create_row(config, record)
        return {"kind": SHEETS, "spreadsheet": _text(config, "spreadsheet").strip(), "row": row}
    if kind == GMAIL:
        return {"kind": GMAIL, "message": send_email(config, record)}
    raise ZapierError(validate(kind, config))


def safe_cell(value: object) -> str:
    """A cell a spreadsheet will show as text: formula-like starts get a leading apostrophe.

    This also marks negative amounts (``-49.00``) as text; that is the accepted price of
    never letting a buyer-controlled value run as a formula.
    """
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def to_csv(headers: Sequence[str], rows: Iterable[Mapping[str, object]]) -> str:
    """A sheet as CSV text (headers first), safe to open in a spreadsheet program."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(header) for header in headers])
    for row in rows:
        writer.writerow([safe_cell(row.get(header, "")) for header in headers])
    return buffer.getvalue()
