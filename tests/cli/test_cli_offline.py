"""``sign`` and ``verify`` on files, with no server, as a receiver's developer uses them."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest

from sandbox import i18n
from tests.conftest import ROOT, free_port

PASSPHRASE = "mon-secret-ipn"
FIELDS = {
    "event": "on_payment",
    "order_id": "SBX12345",
    "product_id": "123456",
    "amount": "49.00",
    "pay_sequence_no": "0",
    "voucher_code": "",
    "buyer_last_name": "Müller",
    "email": "zoe+test@example.com",
}


def reference_sign(fields: dict[str, str], passphrase: str) -> str:
    """sha_sign as the reference describes it, independent of the sandbox's code."""
    names = sorted((name for name in fields if name not in ("sha_sign", "SHASIGN")), key=str.encode)
    text = "".join(f"{name}={fields[name]}{passphrase}" for name in names if fields[name] != "")
    return hashlib.sha512(text.encode("utf-8")).hexdigest().upper()


def run(*args: str, lang: str = "en", stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DS24_")}
    env["DS24_LANG"] = lang
    env["DS24_SANDBOX_URL"] = f"http://127.0.0.1:{free_port()}"  # nobody there: these commands need no server
    return subprocess.run(
        [sys.executable, "-m", "sandbox", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    signed = {**FIELDS, "sha_sign": reference_sign(FIELDS, PASSPHRASE)}
    tampered = {**signed, "amount": "4.90"}
    paths = {
        "form": tmp_path / "message.txt",
        "json": tmp_path / "message.json",
        "signed_form": tmp_path / "signed.txt",
        "signed_json": tmp_path / "signed.json",
        "tampered": tmp_path / "tampered.txt",
    }
    paths["form"].write_text(urlencode(FIELDS), "ascii")
    paths["json"].write_text(json.dumps(FIELDS, ensure_ascii=False), "utf-8")
    paths["signed_form"].write_text(urlencode(signed), "ascii")
    paths["signed_json"].write_text(json.dumps(signed, ensure_ascii=False), "utf-8")
    paths["tampered"].write_text(urlencode(tampered), "ascii")
    return paths


@pytest.mark.parametrize("kind", ["form", "json"])
def test_sign_a_file(files: dict[str, Path], kind: str) -> None:
    text = run("sign", str(files[kind]), "--passphrase", PASSPHRASE)
    data = run("--json", "sign", str(files[kind]), "--passphrase", PASSPHRASE)

    expected = reference_sign(FIELDS, PASSPHRASE)
    assert text.returncode == data.returncode == 0, text.stderr
    assert text.stdout.strip() == f"sha_sign = {expected}"
    parsed = json.loads(data.stdout)
    assert parsed["sha_sign"] == expected
    assert parsed["fields"] == {**FIELDS, "sha_sign": expected}


def test_sign_from_standard_input_and_in_upper_key_mode(files: dict[str, Path]) -> None:
    piped = run("--json", "sign", "-", "--passphrase", PASSPHRASE, stdin=files["form"].read_text())
    upper = run("--json", "sign", str(files["form"]), "--passphrase", PASSPHRASE, "--upper-keys")

    assert json.loads(piped.stdout)["sha_sign"] == reference_sign(FIELDS, PASSPHRASE)
    upper_text = "".join(
        f"{name.upper()}={FIELDS[name]}{PASSPHRASE}"
        for name in sorted(FIELDS, key=lambda name: name.upper().encode())
        if FIELDS[name]
    )
    assert json.loads(upper.stdout)["sha_sign"] == hashlib.sha512(upper_text.encode()).hexdigest().upper()


@pytest.mark.parametrize("kind", ["signed_form", "signed_json"])
def test_verify_a_valid_file(files: dict[str, Path], kind: str) -> None:
    text = run("verify", str(files[kind]), "--passphrase", PASSPHRASE)
    data = run("--json", "verify", str(files[kind]), "--passphrase", PASSPHRASE)

    assert text.returncode == data.returncode == 0
    assert text.stdout.strip() == i18n.t("cli.verify_ok", "en", cause=i18n.t("cause.valid", "en"))
    assert json.loads(data.stdout) == {
        "valid": True,
        "cause": "valid",
        "field": "",
        "message": i18n.t("cause.valid", "en", field=""),
    }


def test_verify_a_tampered_file_names_the_changed_field(files: dict[str, Path]) -> None:
    text = run("verify", str(files["tampered"]), "--passphrase", PASSPHRASE, "--original", str(files["signed_json"]))
    data = run(
        "--json", "verify", str(files["tampered"]), "--passphrase", PASSPHRASE, "--original", str(files["signed_form"])
    )

    assert text.returncode == data.returncode == 1
    assert '"amount"' in text.stdout
    assert text.stdout.strip() == i18n.t(
        "cli.verify_bad", "en", cause=i18n.t("cause.field_changed", "en", field="amount")
    )
    result = json.loads(data.stdout)
    assert (result["valid"], result["cause"], result["field"]) == (False, "field_changed", "amount")


def test_verify_with_the_wrong_passphrase(files: dict[str, Path]) -> None:
    data = run("--json", "verify", str(files["signed_form"]), "--passphrase", "not-the-phrase")
    text = run("verify", str(files["signed_form"]), "--passphrase", "not-the-phrase")

    assert data.returncode == text.returncode == 1
    assert json.loads(data.stdout)["cause"] == "wrong_passphrase_or_changed"
    assert i18n.t("cause.wrong_passphrase_or_changed", "en") in text.stdout


def test_verify_a_file_without_signature(files: dict[str, Path]) -> None:
    data = run("--json", "verify", str(files["form"]), "--passphrase", PASSPHRASE)

    assert data.returncode == 1
    assert json.loads(data.stdout)["cause"] == "missing_signature"


def test_french_output(files: dict[str, Path]) -> None:
    valid = run("verify", str(files["signed_form"]), "--passphrase", PASSPHRASE, lang="fr")
    tampered = run(
        "verify", str(files["tampered"]), "--passphrase", PASSPHRASE, "--original", str(files["signed_form"]), lang="fr"
    )
    absent = files["form"].with_name("absent.txt")
    missing = run("sign", str(absent), "--passphrase", PASSPHRASE, lang="fr")

    assert valid.stdout.strip() == "Signature valide (la signature correspond)."
    assert tampered.returncode == 1
    assert tampered.stdout.strip() == "Signature invalide : le champ « amount » a été modifié depuis la signature"
    assert missing.returncode == 2
    assert missing.stderr.strip() == i18n.t("error.file_unreadable", "fr", path=str(absent), detail=os.strerror(2))


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b'{"amount": 49}', "error.signature_file"),
        (b"[1, 2]", "error.signature_file"),
        (b"a=1&a=2", "error.signature_file"),
    ],
)
def test_an_unusable_file_exits_2(tmp_path: Path, content: bytes, code: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)

    done = run("verify", str(path), "--passphrase", PASSPHRASE)

    assert done.returncode == 2
    assert done.stderr.strip() == i18n.t(code, "en", path=str(path))


def test_an_unreadable_file_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.txt"

    done = run("sign", str(missing), "--passphrase", PASSPHRASE)

    assert done.returncode == 2
    assert done.stderr.strip() == i18n.t("error.file_unreadable", "en", path=str(missing), detail=os.strerror(2))
    assert done.stdout == ""
