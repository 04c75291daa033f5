"""Errors a user can cause, carried as a message code plus parameters.

The web and CLI layers turn the code into a sentence in the reader's language
(``sandbox/i18n/messages/*/errors.json``) that says what was wrong and what to do.
"""

from __future__ import annotations


class InputError(Exception):
    """Bad input: answered with a 4xx and a translated message; nothing is written."""

    status = 400

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = {key: str(value) for key, value in params.items()}


class NotFound(InputError):
    status = 404


class Conflict(InputError):
    """The request is valid but the object's state does not allow it (e.g. plan cancelled)."""

    status = 409
