"""A small Digistore24 IPN endpoint that checks ``sha_sign`` — Python standard library only.

Run it, then point an IPN connection at it (the sandbox: ``ds24-sandbox connect
http://127.0.0.1:9000/ipn --passphrase my-secret``)::

    python receiver.py --port 9000 --passphrase my-secret

What it shows, in order:

1. read the form body strictly (UTF-8, each field once);
2. recompute ``sha_sign`` from the fields and the connection's passphrase, the way
   Digistore24 computes it, and compare in constant time — refuse (HTTP 403) on mismatch;
3. answer ``OK``: Digistore24 counts a call as delivered only when the reply starts with
   ``OK``, and retries anything else for days;
4. be idempotent: Digistore24 may send the same notification twice, so an order event is
   handled once per ``transaction_id`` and an e-ticket is stored once per ``eticket_id``.

The passphrase is never printed. Each handled request is logged as one JSON line.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import sqlite3
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

MAX_BODY = 256 * 1024  # a real IPN is a few kilobytes
SIGNATURE_FIELDS = ("sha_sign", "SHASIGN")  # both names are excluded from the signed text


# --- 1. the form ---------------------------------------------------------------------------


class BadRequest(Exception):
    """The body is not an IPN form; the message says why."""


def decode_form(body: bytes) -> dict[str, str]:
    """``application/x-www-form-urlencoded``, UTF-8 only, every name at most once."""
    try:
        text = body.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text), errors="strict")
    except (UnicodeDecodeError, ValueError) as error:
        raise BadRequest(f"not a UTF-8 form body ({error})") from None
    fields: dict[str, str] = {}
    for name, value in pairs:
        if name in fields:
            raise BadRequest(f"field {name!r} appears twice")
        fields[name] = value
    return fields


# --- 2. the signature ------------------------------------------------------------------------


def signature(fields: dict[str, str], passphrase: str, *, upper_keys: bool = False) -> str:
    """``sha_sign`` as Digistore24 computes it.

    - every field except ``sha_sign`` / ``SHASIGN``;
    - names sorted by plain byte order (not locale, not case-folded); in the optional
      upper-case mode the upper-cased names are sorted and written;
    - empty values skipped — only the empty string: ``"0"`` is a value and is signed;
    - for each field ``name=value`` followed by the passphrase (after *every* pair);
    - SHA-512 of the UTF-8 text, as upper-case hex.
    """
    if not passphrase:
        raise ValueError("an empty passphrase cannot verify anything")
    names = [name for name in fields if name not in SIGNATURE_FIELDS]
    names.sort(key=lambda name: (name.upper() if upper_keys else name).encode("utf-8"))
    text = ""
    for name in names:
        value = fields[name]
        if value == "":
            continue
        text += f"{name.upper() if upper_keys else name}={value}{passphrase}"
    return hashlib.sha512(text.encode("utf-8")).hexdigest().upper()


def is_authentic(fields: dict[str, str], passphrase: str) -> bool:
    """True when the carried signature matches, with original-case or upper-case names."""
    given = fields.get("sha_sign") or fields.get("SHASIGN") or ""
    if not given or not any(value for name, value in fields.items() if name not in SIGNATURE_FIELDS):
        return False  # no signature, or nothing signed: proves nothing
    given_bytes = given.strip().upper().encode("ascii", "replace")
    return any(
        hmac.compare_digest(signature(fields, passphrase, upper_keys=mode).encode("ascii"), given_bytes)
        for mode in (False, True)  # DS24 signs names as sent; accept the optional mode too
    )


# --- 4. idempotency --------------------------------------------------------------------------


class Ledger:
    """What was already handled, in SQLite, so a repeated notification changes nothing."""

    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.lock = threading.Lock()
        self.db.execute("CREATE TABLE IF NOT EXISTS handled (key TEXT PRIMARY KEY, event TEXT, order_id TEXT)")
        self.db.execute("CREATE TABLE IF NOT EXISTS tickets (eticket_id TEXT PRIMARY KEY, data TEXT)")

    def handle(self, fields: dict[str, str]) -> str:
        """Apply one authentic notification once; returns what happened."""
        event = fields.get("event", "")
        with self.lock:
            if event == "connection_test":
                return "test"
            if event == "eticket":
                # A ticket may come again (name corrected, used…): keep its latest state.
                ticket_id = fields.get("eticket_id", "")
                if not ticket_id:
                    return "ignored"
                data = json.dumps({name: value for name, value in sorted(fields.items()) if name != "sha_sign"})
                before = self.db.execute("SELECT data FROM tickets WHERE eticket_id = ?", (ticket_id,)).fetchone()
                if before and before[0] == data:
                    return "duplicate"
                self.db.execute("INSERT OR REPLACE INTO tickets VALUES (?, ?)", (ticket_id, data))
                return "updated" if before else "processed"
            if event.startswith("on_") or event in ("payment_denial", "last_paid_day"):
                # One transaction, one effect: a resend of the same payment grants nothing twice.
                reference = fields.get("transaction_id") or fields.get("order_id", "")
                key = f"{event}:{reference}"
                if event == "on_affiliation":
                    key = f"{event}:{fields.get('product_id', '')}:{fields.get('affiliate_name', '')}"
                cursor = self.db.execute(
                    "INSERT OR IGNORE INTO handled VALUES (?, ?, ?)", (key, event, fields.get("order_id", ""))
                )
                # Here a real endpoint grants access (on_payment), revokes it (on_refund,
                # on_chargeback, last_paid_day), and so on — test orders carry api_mode=test.
                return "processed" if cursor.rowcount else "duplicate"
            return "ignored"  # an event this endpoint does not use: still answer OK


# --- 3. the HTTP endpoint --------------------------------------------------------------------


def make_handler(passphrase: str, ledger: Ledger) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def answer(self, status: int, text: str) -> None:
            body = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log(self, **entry: str) -> None:
            print(json.dumps(entry, ensure_ascii=False), flush=True)

        def do_POST(self) -> None:
            length = self.headers.get("Content-Length", "")
            if not length.isascii() or not length.isdigit():
                self.answer(411, "ERROR: send a Content-Length")
                return
            if int(length) > MAX_BODY:
                self.answer(413, "ERROR: body too large")
                return
            try:
                fields = decode_form(self.rfile.read(int(length)))
            except BadRequest as error:
                self.log(result="bad_request", reason=str(error))
                self.answer(400, f"ERROR: {error}")
                return
            event = fields.get("event", "")
            if not is_authentic(fields, passphrase):
                self.log(result="refused", event=event, order_id=fields.get("order_id", ""))
                self.answer(403, "ERROR: invalid sha_sign")  # DS24 will retry; fix the passphrase
                return
            result = ledger.handle(fields)
            reference = fields.get("transaction_id") or fields.get("eticket_id") or ""
            self.log(result=result, event=event, order_id=fields.get("order_id", ""), reference=reference)
            self.answer(200, "OK")

        def log_message(self, format: str, *args: object) -> None:
            pass  # one JSON line per request is enough

    return Handler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A Digistore24 IPN endpoint that checks sha_sign.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--passphrase", default=os.environ.get("IPN_PASSPHRASE", ""), help="or IPN_PASSPHRASE")
    parser.add_argument("--db", default="ipn-ledger.sqlite3", help="where handled notifications are remembered")
    args = parser.parse_args(argv)
    if not args.passphrase:
        print("Give the IPN connection's passphrase: --passphrase or IPN_PASSPHRASE.", file=sys.stderr)
        return 2
    server = ThreadingHTTPServer((args.host, args.port), make_handler(args.passphrase, Ledger(args.db)))
    print(f"IPN endpoint listening on http://{args.host}:{args.port}/", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
