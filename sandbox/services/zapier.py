"""The reader's Zapier account: its Digistore24 connection, its Zaps and what they did.

Connecting creates a "Zapier" IPN connection in the vendor account (the help page's
step 5). Its settings are kept equal to the union of the Zaps' products and options, so
the vendor side sends what at least one Zap may want and records why it sent nothing
else; the hook then decides per Zap, with the same decision function.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sandbox.digistore24.connections import Connection
from sandbox.errors import Conflict, InputError, NotFound
from sandbox.ipn import events, form
from sandbox.services.account import Account
from sandbox.storage.store import ZapierStore
from sandbox.zapier import actions, defaults, receiver, samples, templates, triggers
from sandbox.zapier import zaps as zap_rules
from sandbox.zapier.reasons import ZapierError
from sandbox.zapier.zaps import Action, Zap

HOOK_KIND = "zapier_hook"
ACCOUNT_KIND = "zapier_account"
HOOK_PATH = "/zapier/hooks/"
SAMPLE_WINDOW = 200  # receptions searched for "test trigger" samples


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class ZapierAccount:
    def __init__(self, account: Account, base_url: str) -> None:
        self.account = account
        self.base_url = base_url.rstrip("/")
        self.store = ZapierStore(account.store.db, account.store.workspace)

    # the Digistore24 connection -----------------------------------------------------------
    def state(self) -> dict[str, Any]:
        return self.account.store.get(ACCOUNT_KIND, "account") or {"connected": False}

    def connect(self) -> dict[str, Any]:
        """Link the Digistore24 account: a "Zapier" IPN connection appears in its IPN list."""
        state = self.state()
        if state.get("connected"):
            return self.status()
        token = secrets.token_urlsafe(18)
        passphrase = secrets.token_urlsafe(24)
        with self.account.store.transaction():
            connection = self.account.save_connection(
                {
                    "name": "Zapier",
                    "url": f"{self.base_url}{HOOK_PATH}{token}",
                    "passphrase": passphrase,
                    "active": False,
                },
                kind="zapier",
            )
            self.account.store.put(HOOK_KIND, token, {"workspace": self.account.store.workspace})
            self.account.store.put(
                ACCOUNT_KIND,
                "account",
                {
                    "connected": True,
                    "token": token,
                    "passphrase": passphrase,
                    "connection_id": connection.id,
                    "connected_at": now_iso(),
                },
            )
            self._sync_connection()
        return self.status()

    def status(self) -> dict[str, Any]:
        state = self.state()
        result: dict[str, Any] = {"connected": bool(state.get("connected"))}
        if state.get("connected"):
            result["connection"] = self.account.connection(state["connection_id"]).masked()
            result["connected_at"] = state["connected_at"]
        return result

    def _connection(self) -> Connection | None:
        state = self.state()
        return self.account.connection(state["connection_id"]) if state.get("connected") else None

    def _sync_connection(self) -> None:
        """Give the Zapier connection the union of every Zap's products and options."""
        connection = self._connection()
        if connection is None:
            return
        wanted = [zap for zap in self.zaps() if zap.state != zap_rules.OFF and zap.product_ids]
        settings = []
        for zap in wanted:
            try:
                settings.append(zap_rules.settings(zap))
            except ZapierError:
                continue  # a Zap whose input is still being fixed asks for nothing yet
        data: dict[str, Any] = {"active": bool(settings)}
        if settings:
            data.update(
                {
                    "product_ids": sorted({pid for item in settings for pid in item.product_ids}),
                    "categories": [
                        name
                        for name in ("orders", "affiliations", "etickets")
                        if any(name in item.categories for item in settings)
                    ],
                    "transactions": [
                        name
                        for name in events.transactions()
                        if any(name in item.transactions and "orders" in item.categories for item in settings)
                    ],
                    "eticket_actions": sorted(
                        {
                            action
                            for item in settings
                            if "etickets" in item.categories
                            for action in item.eticket_actions
                        }
                    ),
                    "follow_ups": any(item.follow_ups for item in settings if "orders" in item.categories),
                    "incomplete_etickets": any(
                        item.incomplete_etickets for item in settings if "etickets" in item.categories
                    ),
                }
            )
            if any("etickets" in item.categories and not item.eticket_actions for item in settings):
                data["eticket_actions"] = []  # one Zap wants every e-ticket event
        self.account.save_connection(data, connection_id=connection.id)

    # Zaps -----------------------------------------------------------------------------------
    def zaps(self) -> list[Zap]:
        return [Zap.from_dict(data) for data in self.account.store.all("zap")]

    def zap(self, zap_id: str) -> Zap:
        data = self.account.store.get("zap", str(zap_id))
        if data is None:
            raise NotFound("unknown_zap", zap_id=zap_id)
        return Zap.from_dict(data)

    def _save(self, zap: Zap) -> Zap:
        with self.account.store.transaction():
            self.account.store.put("zap", zap.id, zap.to_dict())
            self._sync_connection()
        self.account.notify("zap", zap.to_dict())
        return zap

    def _zap_from(self, data: dict[str, Any], language: str, base: Zap | None) -> Zap:
        allowed = {"name", "trigger", "product_ids", "options", "action"}
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise InputError("unknown_zap_field", field=unknown[0], allowed=", ".join(sorted(allowed)))
        trigger = str(data.get("trigger", base.trigger if base else ""))
        triggers.trigger(trigger)  # raises a ZapierError naming the valid triggers
        product_ids = data.get("product_ids", list(base.product_ids) if base else [])
        if isinstance(product_ids, str):
            product_ids = [product_ids]
        if not isinstance(product_ids, list) or not all(isinstance(item, str | int) for item in product_ids):
            raise InputError("invalid_list", field="product_ids")
        known = {product.id for product in self.account.products()}
        for product_id in product_ids:
            if str(product_id) not in known:
                raise InputError("unknown_product", product_id=product_id)
        options = data.get("options", base.options if base else {})
        if not isinstance(options, dict):
            raise InputError("json_object_required")
        problems = triggers.validate(trigger, [str(item) for item in product_ids] or None, options)
        problems = [reason for reason in problems if reason.code != "no_product"]  # allowed while drafting
        if problems:
            raise ZapierError(problems)
        action_data = data.get("action")
        if action_data is None:
            action = (
                base.action
                if base
                else Action(actions.SHEETS, defaults.action_config(actions.SHEETS, trigger, language))
            )
        else:
            if not isinstance(action_data, dict):
                raise InputError("json_object_required")
            kind = str(action_data.get("kind", base.action.kind if base else actions.SHEETS))
            if kind not in actions.KINDS:
                raise InputError("invalid_choice", field="action.kind", value=kind, allowed=", ".join(actions.KINDS))
            config = action_data.get("config")
            if config is None:
                config = defaults.action_config(kind, trigger, language)
            if not isinstance(config, dict):
                raise InputError("json_object_required")
            action = Action(kind, config)
        name = str(data.get("name") or (base.name if base else "") or "").strip()[:120]
        zap_id = base.id if base else str(self.account.store.next_number("zap", 1))
        state = base.state if base else zap_rules.DRAFT
        return Zap(
            id=zap_id,
            name=name or f"Zap {zap_id}",
            trigger=trigger,
            product_ids=tuple(str(item) for item in product_ids),
            options=options,
            action=action,
            state=state,
            turned_on_at=base.turned_on_at if base else None,
        )

    def create_zap(self, data: dict[str, Any], language: str) -> Zap:
        self.account.limits.check(self.account.store, "zap")
        return self._save(self._zap_from(data, language, None))

    def update_zap(self, zap_id: str, data: dict[str, Any], language: str) -> Zap:
        base = self.zap(zap_id)
        zap = self._zap_from(data, language, base)
        if base.state == zap_rules.ON:
            zap_rules.turn_on(replace(zap, state=zap_rules.TESTED), base.turned_on_at or now_iso())
        return self._save(zap)

    def _samples(self, zap: Zap) -> samples.TriggerTest:
        receptions = self.store.receptions(limit=SAMPLE_WINDOW, accepted_only=True)
        return samples.find(zap, [(item["received_at"], item["fields"]) for item in receptions])

    def test_trigger(self, zap_id: str) -> dict[str, Any]:
        """Zapier's "test trigger": the newest matching records, or what to do to get one."""
        zap = self.zap(zap_id)
        found = self._samples(zap)
        result = found.to_dict()
        newest = found.samples[0].output if found.samples else {}
        result["picker"] = [{"name": name, "value": value} for name, value in templates.field_picker(newest)]
        return result

    def test_action(self, zap_id: str) -> dict[str, Any]:
        """Run the action once on the newest sample, as Zapier's "test action" does."""
        zap = self.zap(zap_id)
        found = self._samples(zap)
        sample = found.samples[0].output if found.samples else None
        outcome = zap_rules.try_action(zap, sample)
        if outcome.ok:
            with self.account.store.transaction():
                self.account.store.put("zap", outcome.zap.id, outcome.zap.to_dict())
                self.store.add_run(
                    None,
                    zap.id,
                    receiver.RAN,
                    {
                        "zap_id": zap.id,
                        "zap_name": zap.name,
                        "status": receiver.RAN,
                        "reason": None,
                        "output": sample,
                        "result": outcome.result,
                    },
                    now_iso(),
                    test=True,
                )
            self.account.notify("zap", outcome.zap.to_dict())
        return outcome.to_dict()

    def turn_on(self, zap_id: str) -> Zap:
        zap = self.zap(zap_id)
        if not self.state().get("connected"):
            raise Conflict("zapier_not_connected")
        found = self._samples(zap)
        zap = zap_rules.turn_on(zap, now_iso(), found.samples[0].output if found.samples else None)
        return self._save(zap)

    def turn_off(self, zap_id: str) -> Zap:
        return self._save(zap_rules.turn_off(self.zap(zap_id)))

    def runs(self, zap_id: str, limit: int = 100) -> list[dict[str, Any]]:
        self.zap(zap_id)
        return self.store.runs(zap_id, limit)

    def sheet(self, zap_id: str) -> dict[str, Any]:
        """The simulated spreadsheet of a Sheets Zap: its columns and the rows its runs added."""
        zap = self.zap(zap_id)
        if zap.action.kind != actions.SHEETS:
            raise InputError("not_a_sheets_zap", zap_id=zap_id)
        headers = [header for header, _ in actions.columns(zap.action.config)]
        rows = [
            run["result"]["row"]
            for run in reversed(self.store.runs(zap_id, 10_000, receiver.RAN))
            if run.get("result") and run["result"].get("kind") == actions.SHEETS
        ]
        return {
            "zap_id": zap.id,
            "spreadsheet": zap.action.config.get("spreadsheet", ""),
            "headers": headers,
            "rows": rows,
        }

    def sheet_csv(self, zap_id: str) -> str:
        sheet = self.sheet(zap_id)
        return actions.to_csv(sheet["headers"], sheet["rows"])

    def outbox(self, limit: int = 100) -> list[dict[str, Any]]:
        """Every e-mail the Gmail Zaps sent, newest first."""
        return [
            {"zap_id": run["zap_id"], "zap_name": run["zap_name"], **run["result"]["message"]}
            for run in self.store.runs(None, limit, receiver.RAN)
            if run.get("result") and run["result"].get("kind") == actions.GMAIL
        ]

    # the hook ------------------------------------------------------------------------------
    def receive(self, body: bytes, delivery_id: int | None) -> tuple[int, str, dict[str, Any]]:
        """Take one IPN post: (HTTP status, reply text, the whole reception).

        The ``reception`` stream message is :meth:`receiver.Reception.summary` with the
        reception and delivery ids; what it leaves out (fields, run output and result) is in
        ``GET /api/events/{event_id}`` (each delivery's ``body`` and ``zap_runs``).
        """
        try:
            fields = form.decode(body)
        except form.FormError as error:
            raise InputError(f"form_{error.code}", detail=error.detail) from None
        state = self.state()
        received_at = now_iso()
        record_id = triggers.record_id(fields)
        seen = {record_id} if self.store.seen(record_id) else set()
        reception = receiver.receive(fields, state.get("passphrase", ""), self.zaps(), seen, received_at)
        data = reception.to_dict()
        with self.account.store.transaction():
            if delivery_id is not None and self.account.store.delivery(delivery_id) is None:
                delivery_id = None  # only link deliveries of this workspace
            # Each run's output and action result are stored once, with the run (add_run).
            stored = {**data, "runs": [run.summary() for run in reception.runs]}
            reception_id = self.store.add_reception(stored, delivery_id)
            if reception.remember:
                self.store.remember(reception.remember)
            for run in reception.runs:
                self.store.add_run(reception_id, run.zap_id, run.status, run.to_dict(), received_at)
        # The stream carries the slim summary; the full reception is stored and returned here.
        self.account.notify("reception", {"id": reception_id, "delivery_id": delivery_id, **reception.summary()})
        if not reception.accepted:
            reason = reception.reason.text("en") if reception.reason else "invalid signature"
            return 403, f"ERROR: {reason}", data
        return 200, "OK", data
