"""Starting templates for an action, per trigger and language, so a new Zap works at once.

They are examples a reader edits, kept as data in ``catalog/default_actions.json``.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from sandbox.zapier.triggers import ORDER


@cache
def _data() -> dict[str, dict[str, dict[str, object]]]:
    text = resources.files("sandbox.zapier").joinpath("catalog/default_actions.json").read_text("utf-8")
    return json.loads(text)


def action_config(kind: str, trigger: str, language: str) -> dict[str, object]:
    """The default config of ``kind`` (sheets | gmail) for a trigger, in ``language``."""
    key = kind if trigger == ORDER else f"{kind}_{trigger}"
    variants = _data().get(key) or _data()[kind]
    return json.loads(json.dumps(variants.get(language) or variants["en"]))
