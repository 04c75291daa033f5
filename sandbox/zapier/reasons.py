"""Coded, translatable reasons shared by every Zapier module.

The domain never writes sentences: it returns a code with parameters, and the words live
in ``messages/<lang>/zapier.json``. Results can then be stored as JSON and shown later in
either language, and a test can prove both catalogs say the same things.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sandbox.i18n import LANGUAGES, t

ERROR = "zapier.error"
RESERVED_PARAMS = frozenset({"key", "language"})  # t(key, language, **params)


@dataclass(frozen=True)
class Reason:
    """A message key (``namespace.code``) with its parameters.

    ``labels`` maps a parameter to a message key that is translated first, so a
    parameter such as the trigger's name reads naturally in each language.
    """

    code: str
    params: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    namespace: str = ERROR

    @property
    def key(self) -> str:
        return f"{self.namespace}.{self.code}"

    def text(self, language: str) -> str:
        values = dict(self.params)
        values.update({name: t(key, language) for name, key in self.labels.items()})
        return t(self.key, language, **values)

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "key": self.key,
            "params": dict(self.params),
            "labels": dict(self.labels),
            "text": {language: self.text(language) for language in LANGUAGES},
        }


def problem(code: str, labels: dict[str, str] | None = None, **params: object) -> Reason:
    """A ``zapier.error.<code>`` reason; parameters are stored as strings for JSON."""
    clash = RESERVED_PARAMS & (set(params) | set(labels or {}))
    if clash:
        raise ValueError(f"parameter names {sorted(clash)} would clash with t()'s own arguments")
    return Reason(code, {name: str(value) for name, value in params.items()}, dict(labels or {}))


class ZapierError(ValueError):
    """One or more problems that stop an operation; ``code``/``params`` give the first."""

    def __init__(self, reasons: Iterable[Reason]) -> None:
        self.reasons = tuple(reasons)
        if not self.reasons:
            raise ValueError("a ZapierError needs at least one reason")
        super().__init__("; ".join(f"{reason.key} {reason.params}" for reason in self.reasons))

    @property
    def code(self) -> str:
        return self.reasons[0].code

    @property
    def params(self) -> dict[str, str]:
        return self.reasons[0].params

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "reasons": [reason.to_dict() for reason in self.reasons]}
