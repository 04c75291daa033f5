"""``sign`` and ``verify``: the signature on a file, with no server needed."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from sandbox import i18n
from sandbox.cli.client import CommandError
from sandbox.ipn import form, signing


def read_fields(path: str, language: str) -> dict[str, str]:
    """A form body (``a=1&b=2``) or a JSON object of strings, from a file or ``-``."""
    try:
        raw = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()  # noqa: SIM115
    except OSError as error:
        raise CommandError(i18n.t("error.file_unreadable", language, path=path, detail=error.strerror), 2) from None
    text = raw.strip()
    if text.startswith(b"{"):
        try:
            data = json.loads(text)
        except (UnicodeDecodeError, json.JSONDecodeError):
            data = None
        if isinstance(data, dict) and all(isinstance(value, str) for value in data.values()):
            return data
        raise CommandError(i18n.t("error.signature_file", language, path=path), 2)
    try:
        return form.decode(text)
    except form.FormError:
        raise CommandError(i18n.t("error.signature_file", language, path=path), 2) from None


def _passphrase(args: argparse.Namespace, language: str) -> str:
    if not args.passphrase:
        raise CommandError(i18n.t("error.passphrase_required", language), 2)
    return args.passphrase


def cmd_sign(args: argparse.Namespace) -> None:
    language = args.language
    fields = read_fields(args.file, language)
    signature = signing.sign(fields, _passphrase(args, language), upper_keys=args.upper_keys)
    if args.json:
        print(json.dumps({"sha_sign": signature, "fields": {**fields, "sha_sign": signature}}, ensure_ascii=False))
    else:
        print(i18n.t("cli.signature", language, signature=signature))


def cmd_verify(args: argparse.Namespace) -> None:
    language = args.language
    fields = read_fields(args.file, language)
    original = read_fields(args.original, language) if args.original else None
    diagnosis = signing.diagnose(fields, _passphrase(args, language), original=original)
    cause = i18n.t(f"cause.{diagnosis.cause}", language, field=diagnosis.field)
    result: dict[str, Any] = {
        "valid": diagnosis.valid,
        "cause": diagnosis.cause,
        "field": diagnosis.field,
        "message": cause,
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(i18n.t("cli.verify_ok" if diagnosis.valid else "cli.verify_bad", language, cause=cause))
    if not diagnosis.valid:
        raise CommandError("", 1)


def add_commands(commands: Any) -> None:
    sign = commands.add_parser("sign", help="compute sha_sign of a form body or JSON file (offline)")
    sign.add_argument("file", help="file path, or - for standard input")
    sign.add_argument("--passphrase", required=True)
    sign.add_argument("--upper-keys", action="store_true", help="sign upper-cased names (legacy mode)")
    sign.set_defaults(handler=cmd_sign, offline=True, language=i18n.from_environment())
    verify = commands.add_parser("verify", help="check sha_sign of a form body or JSON file (offline)")
    verify.add_argument("file", help="file path, or - for standard input")
    verify.add_argument("--passphrase", required=True)
    verify.add_argument("--original", help="the message as sent, to name a changed field")
    verify.set_defaults(handler=cmd_verify, offline=True, language=i18n.from_environment())
