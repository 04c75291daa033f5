"""MkDocs hook: give the live panels their words, the sandbox's address and a few links.

Every built page gets, in its ``<head>``, one inert JSON block that ``assets/panels.js``
reads::

    <script type="application/json" id="ds24-panel-messages">
      {"lang": "fr", "api": "", "fallback": "http://127.0.0.1:8024",
       "messages": {...}, "links": {"2": "../2-trigger/", ...}, "examples": {...}}
    </script>

* ``messages``: ``sandbox/i18n/messages/<lang>/panels.json`` in the page's language
  (the page's language comes from mkdocs-static-i18n's ``page.file.locale``).
* ``api``: where the panels call the sandbox first; empty means the page's own origin
  (``make run`` serves the guide and the API together). ``extra.sandbox_api`` in
  ``mkdocs.yml`` changes it. ``fallback`` is tried next, so that ``mkdocs serve`` alone
  works against a sandbox on its default port (``DS24_SANDBOX_URL`` changes it).
* ``links``: each guide step's URL relative to the page, in the page's language, so a
  panel can send the reader back to the step that comes first.
* ``examples``: a few fields of the simulator's own example messages, per trigger.

The JSON is escaped so no value can close the ``<script>`` element.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from functools import cache
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
MESSAGES = REPO_ROOT / "sandbox" / "i18n" / "messages"
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
DEFAULT_FALLBACK = "http://127.0.0.1:8024"
ELEMENT_ID = "ds24-panel-messages"
STEPS = {
    "1": "guide/1-zap",
    "2": "guide/2-trigger",
    "3": "guide/3-connect",
    "4": "guide/4-products",
    "5": "guide/5-options",
    "6": "guide/6-test-payment",
    "7": "guide/7-action",
    "8": "guide/8-template",
    "9": "guide/9-test-and-turn-on",
}
# The fields a trigger panel shows as "the data it will bring", from the simulator's examples.
EXAMPLES = {
    "order": (("on_payment", None), ("order_id", "product_name", "amount", "currency", "buyer_first_name", "email")),
    "affiliate": (("on_affiliation", None), ("affiliate_name", "affiliate_link", "product_name", "email")),
    "eticket": (("eticket", "create"), ("eticket_id", "eticket_no", "location_name", "action", "email")),
}


@cache
def messages(language: str) -> dict[str, str]:
    path = MESSAGES / language / "panels.json"
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise PluginError(f"cannot read {path.relative_to(REPO_ROOT)}: {error}") from error
    if not all(isinstance(key, str) and isinstance(value, str) for key, value in data.items()):
        raise PluginError(f"{path.relative_to(REPO_ROOT)}: every message must be a string")
    return data


@cache
def examples() -> dict[str, dict[str, str]]:
    root = str(REPO_ROOT)
    if root not in sys.path:
        sys.path.insert(0, root)
    module = importlib.import_module("sandbox.digistore24.examples")
    found = {}
    for trigger, ((event, action), names) in EXAMPLES.items():
        payload = module.example_payload(event, action)
        found[trigger] = {name: str(payload.get(name, "")) for name in names}
    return found


def page_language(page: Any) -> str:
    locale = getattr(getattr(page, "file", None), "locale", None)
    return locale if locale in LANGUAGES else DEFAULT_LANGUAGE


def step_links(page: Any, language: str) -> dict[str, str]:
    """Each step's URL relative to ``page`` (directory URLs, as ``use_directory_urls`` builds)."""
    prefix = "" if language == DEFAULT_LANGUAGE else f"{language}/"
    here = getattr(page, "url", "") or ""
    return {step: get_relative_url(f"{prefix}{name}/", here) for step, name in STEPS.items()}


def payload(page: Any, config: Any) -> str:
    language = page_language(page)
    extra = config.get("extra") or {}
    data = {
        "lang": language,
        "api": str(extra.get("sandbox_api", "") or "").rstrip("/"),
        "fallback": os.environ.get("DS24_SANDBOX_URL", DEFAULT_FALLBACK).rstrip("/"),
        "messages": messages(language),
        "links": step_links(page, language),
        "examples": examples(),
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # Inside <script>, "</script" or "<!--" would end or confuse the element: escape every "<".
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def on_pre_build(config: Any) -> None:
    """Fail early, with a clear message, if a catalog is missing or the two differ."""
    keys = {language: set(messages(language)) for language in LANGUAGES}
    if keys["fr"] != keys["en"]:
        raise PluginError(f"panels.json: keys differ between fr and en: {sorted(keys['fr'] ^ keys['en'])}")


def on_post_page(output: str, page: Any, config: Any) -> str:
    block = f'<script type="application/json" id="{ELEMENT_ID}">{payload(page, config)}</script>'
    head_end = output.find("</head>")
    if head_end == -1:
        return output
    return output[:head_end] + block + output[head_end:]
