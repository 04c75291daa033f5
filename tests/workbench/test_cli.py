"""The workbench commands as a reader types them: replay, receiver, export, inbound."""

from __future__ import annotations

import json
import shlex

import httpx
import pytest

from tests.conftest import Server, product_of
from tests.workbench.conftest import cli, inbound_of, inspector_connection


@pytest.fixture(scope="module")
def paid(client: httpx.Client) -> dict:
    connection = inspector_connection(client)
    answer = client.post("/api/test-payments", json={"product_id": product_of(client, "single_payment")["id"]})
    return {"connection": connection, "event_id": answer.json()["event_ids"][0]}


def test_replay_with_set_remove_and_keep_signature(bench: Server, client: httpx.Client, paid: dict) -> None:
    connection_id = paid["connection"]["id"]
    done = cli(
        bench,
        "replay",
        str(paid["event_id"]),
        "--to",
        connection_id,
        "--set",
        "amount=0.01",
        "--set",
        "note=a=b",
        "--remove",
        "voucher_code",
        "--keep-signature",
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "old signature kept" in lines[0] and "HTTP 403" in lines[0] and "(failed)" in lines[0]
    assert any(line.strip().startswith("~ amount:") and line.endswith("→ 0.01") for line in lines)
    assert "  + note = a=b" in lines and any(line.startswith("  - voucher_code") for line in lines)
    assert inbound_of(client, connection_id)[0]["field"] in ("amount", "note")

    french = cli(bench, "replay", str(paid["event_id"]), "--to", connection_id, language="fr")
    assert "re-signé" in french.stdout and "HTTP 200" in french.stdout and "(inchangé)" in french.stdout

    as_json = cli(bench, "replay", str(paid["event_id"]), "--to", connection_id, "--json")
    assert json.loads(as_json.stdout)["attempt"]["reply"] == "OK"

    wrong = cli(bench, "replay", str(paid["event_id"]), "--to", connection_id, "--set", "amount")
    assert wrong.returncode == 2 and "NAME=VALUE" in wrong.stderr


def test_receiver_sets_the_behaviour_and_explains_it(bench: Server, paid: dict) -> None:
    connection_id = paid["connection"]["id"]
    done = cli(bench, "receiver", connection_id, "error", "--status", "503")
    assert done.returncode == 0 and "HTTP 503" in done.stdout and "retries" in done.stdout
    back = cli(bench, "receiver", connection_id, "normal", language="fr")
    assert "normalement" in back.stdout
    wrong = cli(bench, "receiver", connection_id, "slow", "--delay-ms", "999999999")
    assert wrong.returncode == 2 and "120000" in wrong.stderr


def test_export_prints_json_the_form_body_or_a_curl_command(bench: Server, paid: dict) -> None:
    connection_id = paid["connection"]["id"]
    data = json.loads(cli(bench, "export", str(paid["event_id"]), "--connection", connection_id).stdout)
    form = cli(bench, "export", str(paid["event_id"]), "--format", "form", "--connection", connection_id).stdout
    assert form.strip() == data["form"]
    curl = cli(bench, "export", str(paid["event_id"]), "--format", "curl").stdout
    assert shlex.split(curl.replace("\\\n", ""))[-1] == data["form"]
    missing = cli(bench, "export", "987654")
    assert missing.returncode == 2 and "987654" in missing.stderr


def test_inbound_lists_shows_and_runs(bench: Server, client: httpx.Client, paid: dict) -> None:
    listed = cli(bench, "inbound", "--limit", "5")
    assert listed.returncode == 0 and "on_payment" in listed.stdout and "valid" in listed.stdout
    record = inbound_of(client, paid["connection"]["id"])[-1]
    shown = cli(bench, "inbound", str(record["id"]))
    assert f"#{record['id']}" in shown.stdout and "sha_sign=" in shown.stdout
    refused = cli(bench, "inbound", str(record["id"]), "--run")
    assert refused.returncode == 2 and "Zapier" in refused.stderr  # the account is not connected to Zapier
