"""Interface text: catalogs in step, no prose in code, amounts and dates per locale, negotiation."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from sandbox import i18n
from sandbox.translations import interface
from tests.translations.conftest import MESSAGES, ROOT

# --------------------------------------------------------------------------- catalogs


def test_the_real_catalogs_are_in_step() -> None:
    assert interface.catalog_problems(interface.read_catalogs(MESSAGES)) == []


def catalogs(fr: dict[str, object], en: dict[str, object], name: str = "area.json") -> dict[str, dict[str, str]]:
    return {"fr": {name: json.dumps(fr)}, "en": {name: json.dumps(en)}}


def test_a_missing_key_names_the_file_the_key_and_the_language() -> None:
    [problem] = interface.catalog_problems(catalogs({"a.x": "Bonjour", "a.y": "Salut"}, {"a.x": "Hello"}))
    assert (problem.code, problem.file, problem.key, problem.language) == ("missing_key", "area.json", "a.y", "en")


def test_different_placeholders_say_which() -> None:
    [problem] = interface.catalog_problems(catalogs({"a.x": "{count} commandes de {name}"}, {"a.x": "{count} orders"}))
    assert (problem.code, problem.key) == ("placeholders", "a.x")
    assert problem.detail == "fr {count, name} ≠ en {count}"


def test_escaped_braces_and_format_specs() -> None:
    fine = catalogs({"a": "{{littéral}} {n:>3}"}, {"a": "{{literal}} {n:>3}"})
    assert interface.catalog_problems(fine) == []
    [broken] = interface.catalog_problems(catalogs({"a": "{oops"}, {"a": "{oops}"}))
    assert broken.code == "bad_format"


def test_empty_not_text_duplicate_missing_file_and_invalid_json() -> None:
    files = catalogs({"a": "", "b": 3}, {"a": "A", "b": "B"})
    files["fr"]["other.json"] = json.dumps({"a": "encore"})
    files["en"]["other.json"] = json.dumps({"a": "again"})
    files["fr"]["only-fr.json"] = "{}"
    files["en"]["broken.json"] = "{"
    files["fr"]["broken.json"] = "{}"
    found = {(item.code, item.file, item.key, item.language) for item in interface.catalog_problems(files)}
    assert found == {
        ("empty", "area.json", "a", "fr"),
        ("not_text", "area.json", "b", "fr"),
        ("duplicate_key", "other.json", "a", "fr"),
        ("duplicate_key", "other.json", "a", "en"),
        ("missing_file", "only-fr.json", "", "en"),
        ("invalid_json", "broken.json", "", "en"),
    }


# --------------------------------------------------------------------------- hard-coded text

SOURCE = """
from sandbox import i18n

def handler(request, lang):
    print("Server is ready now")                                   # 5
    print(i18n.t("cli.serving", lang, url="http://x"))             # key: fine
    raise InputError("invalid_json", detail="nested too deeply")   # 7
    return JSONResponse({"status": "ok", "message": "Zap turned on"})  # 8
    raise CommandError(f"Could not reach {server} at all", 3)      # 9
    sys.stderr.write("Something went wrong here")                  # 10
    data = {"title": "Welcome to the sandbox"}                     # 11
    print("Plain technical line")  # i18n: ok
    print("x=1", "OK", "text/plain", "{id}  {name}")
    parser.add_argument("--x", help="English help is allowed")
    logger.info("Not shown to the reader as such")
    return {"Some key with spaces": 1}
"""


def test_prose_reaching_the_user_is_found_and_placed() -> None:
    found = [(item.line, item.sink, item.text) for item in interface.hard_coded("sandbox/web/x.py", SOURCE)]
    assert found == [
        (5, "print", "Server is ready now"),
        (7, "InputError", "nested too deeply"),
        (8, "JSONResponse", "Zap turned on"),
        (9, "CommandError", "Could not reach {…} at all"),
        (10, "stderr.write", "Something went wrong here"),
        (11, '"title": …', "Welcome to the sandbox"),
    ]


def test_web_services_and_cli_have_no_hard_coded_prose() -> None:
    found = interface.scan_sources(ROOT / "sandbox")
    assert found == [], "\n".join(
        f"{item.path}:{item.line}:{item.column}: {item.sink}: {item.text!r}" for item in found
    )


# --------------------------------------------------------------------------- amounts, dates, times


@pytest.mark.parametrize(
    ("value", "fr", "en"),
    [
        ("2026-03-02T09:41:00", "2 mars 2026 à 09:41", "March 2, 2026, 9:41 AM"),
        ("2026-03-01T00:05:00", "1er mars 2026 à 00:05", "March 1, 2026, 12:05 AM"),
        ("2026-08-15T12:00:00Z", "15 août 2026 à 12:00", "August 15, 2026, 12:00 PM"),
        (datetime(2026, 12, 31, 23, 59), "31 décembre 2026 à 23:59", "December 31, 2026, 11:59 PM"),
    ],
)
def test_format_datetime(value: str | datetime, fr: str, en: str) -> None:
    assert i18n.format_datetime(value, "fr") == fr
    assert i18n.format_datetime(value, "en") == en


def test_format_date_and_time_zones() -> None:
    assert i18n.format_date(date(2026, 2, 1), "fr") == "1er février 2026"
    assert i18n.format_date("2026-02-10", "en") == "February 10, 2026"
    paris = timezone(timedelta(hours=1))
    moment = datetime(2026, 3, 2, 8, 41, tzinfo=UTC)
    assert i18n.format_datetime(moment, "fr", paris) == "2 mars 2026 à 09:41"
    assert i18n.format_time(moment, "en") == "8:41 AM"  # no zone given: its own
    assert i18n.format_date(datetime(2026, 1, 1, 0, 30, tzinfo=UTC), "en", timezone(timedelta(hours=-5))) == (
        "December 31, 2025"
    )


def test_format_amount() -> None:
    assert i18n.format_amount("49", "EUR", "fr") == "49,00\u00a0€"
    assert i18n.format_amount("49", "EUR", "en") == "€49.00"
    assert i18n.format_amount("1234.5", "EUR", "fr") == "1\u202f234,50\u00a0€"
    assert i18n.format_amount("1234.5", "CHF", "en") == "CHF\u00a01,234.50"


@pytest.mark.parametrize(
    ("header", "query", "expected"),
    [
        ("en-US,en;q=0.9,fr;q=0.8", None, "en"),
        ("fr;q=0.1, en;q=0.9", None, "en"),  # the weights count, not only the order
        ("de-DE, fr-CH;q=0.5", None, "fr"),
        ("en;q=0, fr", None, "fr"),
        ("de, it", None, "fr"),
        (None, None, "fr"),
        ("en", "fr", "fr"),  # ?lang= wins
        ("fr", "xx", "fr"),
        ("en;q=abc, fr;q=0.5", None, "fr"),
    ],
)
def test_negotiate(header: str | None, query: str | None, expected: str) -> None:
    assert i18n.negotiate(header, query) == expected


def test_the_french_interface_says_bac_a_sable_like_the_guide() -> None:
    assert "bac à sable" in i18n.t("error.no_server", "fr", server="x")
    assert Path(MESSAGES / "fr" / "translations.json").exists()
