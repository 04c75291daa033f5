"""Reading request input strictly: bounded bodies, JSON objects, typed parameters."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from sandbox import i18n
from sandbox.errors import InputError
from sandbox.web.errors import language

MAX_JSON_BODY = 64 * 1024


class BodyTooLarge(InputError):
    status = 413


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused early by Content-Length and again while streaming without one."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not (declared.isascii() and declared.isdigit()):
            raise InputError("invalid_parameter", field="Content-Length", value=declared, expected="")
        if int(declared) > limit:
            raise BodyTooLarge("body_too_large", max=limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge("body_too_large", max=limit)
        chunks.append(chunk)
    return b"".join(chunks)


async def json_object(request: Request) -> dict[str, Any]:
    """The JSON object body; an empty body is an empty object."""
    body = await read_body(request, MAX_JSON_BODY)
    if not body.strip():
        return {}
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError("invalid_json", detail=str(error)[:120]) from None
    except RecursionError:
        detail = i18n.t("error.detail.json_too_deep", language(request))
        raise InputError("invalid_json", detail=detail) from None
    if not isinstance(data, dict):
        raise InputError("json_object_required")
    return data


def _is_whole_number(text: str) -> bool:
    # str.isdigit() also accepts "²" or "٣", which int() refuses: ASCII digits only.
    digits = text[1:] if text.startswith("-") else text
    return digits.isascii() and digits.isdigit()


def integer(value: Any, field: str, *, low: int, high: int, default: int) -> int:
    if value is None or value == "":
        return default
    if isinstance(value, bool) or not isinstance(value, int | str) or not _is_whole_number(str(value)):
        raise InputError("invalid_parameter", field=field, value=str(value)[:50], expected=f"{low}–{high}")
    number = int(value)
    if not low <= number <= high:
        raise InputError("invalid_parameter", field=field, value=str(number), expected=f"{low}–{high}")
    return number


def boolean(value: Any, field: str, *, default: bool) -> bool:
    """true/false, or the words a form or a person would use; anything else is an error."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in ("true", "yes", "1", "on", "oui"):
        return True
    if word in ("false", "no", "0", "off", "non", ""):
        return False
    raise InputError("invalid_boolean", field=field, value=str(value)[:50])


def text(value: Any, field: str, *, max_length: int = 200) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str | int) or isinstance(value, bool) or len(str(value)) > max_length:
        raise InputError("invalid_parameter", field=field, value=str(value)[:50], expected="")
    return str(value)
