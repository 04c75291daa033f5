"""The event and field catalogs: consistent with each other, with the capture and in both languages.

The guide renders straight from these catalogs, so a gap here would be a gap in the guide.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

import sandbox.ipn
from sandbox.ipn import events, fields

VECTORS = json.loads((Path(__file__).parent / "data" / "ds24-sha-sign-vectors.json").read_text("utf-8"))
CAPTURED = next(item for item in VECTORS["vectors"] if item["name"] == "captured-on-payment")["params"]

GROUPS = {
    "meta",
    "order",
    "money",
    "billing",
    "transaction",
    "buyer",
    "address",
    "affiliate",
    "links",
    "affiliation",
    "eticket",
}
TYPES = {"string", "integer", "decimal", "date", "time", "datetime", "yes_no", "enum", "url", "email", "hex"}
CONFIDENCES = {"2+", "1", "inf"}
ORDER_EVENTS = {item.name for item in events.events() if item.category == "orders"}
ALL_FIELDS = fields.fields()


def _ids(field: fields.Field) -> str:
    return field.name


# --- events --------------------------------------------------------------------------


@pytest.mark.parametrize("event", events.events(), ids=lambda event: event.name)
def test_every_event_has_french_and_english_descriptions(event: events.Event) -> None:
    assert set(event.description) == {"fr", "en"}
    assert event.description["fr"].strip() and event.description["en"].strip()
    assert event.description["fr"] != event.description["en"]


def test_event_names_are_unique() -> None:
    names = [item.name for item in events.events()]
    assert len(names) == len(set(names))


# --- fields: shape ---------------------------------------------------------------------


def test_field_names_are_unique() -> None:
    names = [item.name for item in ALL_FIELDS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("field", ALL_FIELDS, ids=_ids)
def test_field_shape(field: fields.Field) -> None:
    assert field.group in GROUPS
    assert field.type in TYPES
    assert field.confidence in CONFIDENCES
    assert isinstance(field.example, str)
    assert field.events, "every field is carried by at least one event"


@pytest.mark.parametrize("field", ALL_FIELDS, ids=_ids)
def test_field_descriptions_in_both_languages(field: fields.Field) -> None:
    assert set(field.description) == {"fr", "en"}
    french, english = field.description["fr"].strip(), field.description["en"].strip()
    assert french and english
    assert french != english
    assert "\n" not in french + english


def test_uncertainty_is_flagged_in_both_languages() -> None:
    for item in ALL_FIELDS:
        french = "(incertain)" in item.description["fr"]
        english = "(uncertain)" in item.description["en"]
        assert french == english, item.name
        if item.confidence == "inf":
            assert french, item.name


@pytest.mark.parametrize("field", [item for item in ALL_FIELDS if item.type == "enum"], ids=_ids)
def test_enum_fields_list_values_and_their_example_is_one(field: fields.Field) -> None:
    assert field.values
    assert len(field.values) == len(set(field.values))
    assert field.example in field.values


@pytest.mark.parametrize("field", [item for item in ALL_FIELDS if item.type == "yes_no"], ids=_ids)
def test_yes_no_fields_use_y_and_n(field: fields.Field) -> None:
    assert field.values == ("Y", "N")
    assert field.example in field.values


def test_examples_match_their_type() -> None:
    checks = {
        "integer": lambda value: value.isdigit(),
        "decimal": lambda value: value.replace(".", "", 1).lstrip("-").isdigit(),
        "url": lambda value: value.startswith("https://"),
        "email": lambda value: "@" in value,
        "hex": lambda value: len(value) == 128 and all(char in "0123456789ABCDEF" for char in value),
    }
    wrong = [
        item.name for item in ALL_FIELDS if item.example and item.type in checks and not checks[item.type](item.example)
    ]
    assert wrong == []


def test_event_field_values_are_the_event_catalog() -> None:
    assert fields.field("event").values == tuple(item.name for item in events.events())


def test_action_values_are_the_eticket_actions() -> None:
    assert set(fields.field("action").values) == {item.action for item in events.eticket_actions()}


# --- fields: links to events and to the capture ------------------------------------------


def test_every_event_named_by_a_field_exists() -> None:
    unknown = {name for item in ALL_FIELDS for name in item.events if not events.is_known(name)}
    assert unknown == set()


def test_every_event_carries_event_and_sha_sign() -> None:
    for item in events.events():
        carried = {field.name for field in fields.fields_for_event(item.name)}
        assert {"event", "sha_sign"} <= carried, item.name


def test_order_fields_are_carried_by_every_order_event() -> None:
    for item in ALL_FIELDS:
        if item.group in {"order", "money", "billing", "transaction", "links"}:
            assert set(item.events) >= ORDER_EVENTS, item.name


def test_affiliation_and_eticket_fields_belong_to_their_event() -> None:
    for item in ALL_FIELDS:
        if item.group == "affiliation":
            assert item.events == ("on_affiliation",)
        if item.group == "eticket":
            assert item.events == ("eticket",)


def test_captured_keys_are_all_in_the_catalog() -> None:
    keys = fields.captured_on_payment_keys()
    assert len(keys) == 173
    assert keys == tuple(CAPTURED)
    assert set(keys) == {item.name for item in ALL_FIELDS if item.captured}
    for name in keys:
        assert "on_payment" in fields.field(name).events, name


def test_lookup() -> None:
    assert fields.field("pay_sequence_no").group == "billing"
    with pytest.raises(KeyError):
        fields.field("purchase_id")  # the reference says IPNs have no purchase_id
    assert fields.fields_for_event("no_such_event") == ()
    assert fields.groups() == tuple(dict.fromkeys(item.group for item in ALL_FIELDS))
    assert set(fields.groups()) == GROUPS


def test_every_filter_field_is_in_the_catalog() -> None:
    from sandbox.ipn.filters import ETICKET_HOLDER_FIELDS

    for name in ETICKET_HOLDER_FIELDS:
        assert "eticket" in fields.field(name).events
    for name in ("event", "product_id", "billing_type", "pay_sequence_no", "action"):
        fields.field(name)


# --- the package stays pure ------------------------------------------------------------

FORBIDDEN_TOP_LEVEL = {"starlette", "httpx", "sqlite3"}
PACKAGE_DIR = Path(sandbox.ipn.__file__).parent
PACKAGE_FILES = sorted(PACKAGE_DIR.rglob("*.py"))


def _imported_names(source: str, package: tuple[str, ...]) -> set[str]:
    """Absolute names a module imports: ``from a import b`` yields ``a`` and ``a.b``.

    Relative imports are resolved against ``package`` (the importing module's package).
    """
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def _violations(names: set[str]) -> set[str]:
    def allowed(name: str) -> bool:
        top = name.split(".")[0]
        if top in FORBIDDEN_TOP_LEVEL:
            return False
        if top == "sandbox":
            return name in ("sandbox", "sandbox.ipn") or name.startswith("sandbox.ipn.")
        return True

    return {name for name in names if not allowed(name)}


def test_package_files_found() -> None:
    found = {path.name for path in PACKAGE_FILES}
    assert {"signing.py", "form.py", "events.py", "filters.py", "fields.py"} <= found


@pytest.mark.parametrize("path", PACKAGE_FILES, ids=lambda path: path.name)
def test_ipn_package_imports_stay_inside(path: Path) -> None:
    package = ("sandbox", "ipn", *path.relative_to(PACKAGE_DIR).parent.parts)
    assert _violations(_imported_names(path.read_text("utf-8"), package)) == set()


def test_import_check_catches_violations() -> None:
    source = (
        "import httpx\n"
        "import sqlite3 as db\n"
        "from starlette.responses import Response\n"
        "from sandbox import i18n\n"
        "from sandbox.web.app import app\n"
        "from .. import cli\n"
        "from . import signing\n"
        "from sandbox.ipn import events\n"
    )
    assert _violations(_imported_names(source, ("sandbox", "ipn"))) == {
        "httpx",
        "sqlite3",
        "starlette.responses",
        "starlette.responses.Response",
        "sandbox.i18n",
        "sandbox.web.app",
        "sandbox.web.app.app",
        "sandbox.cli",
    }
