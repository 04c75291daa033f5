"""The API answers in the language the client asks for: ``?lang=``, else ``Accept-Language``."""

from __future__ import annotations

import httpx
import pytest

from sandbox import i18n
from sandbox.translations import glossary


def price_texts(client: httpx.Client, **kwargs: object) -> list[str]:
    answer = client.get("/api/products", **kwargs)  # type: ignore[arg-type]
    assert answer.status_code == 200
    return [product["price_text"] for product in answer.json()["products"]]


def test_amounts_follow_accept_language_and_lang(module_api: httpx.Client) -> None:
    french = price_texts(module_api, headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    english = price_texts(module_api, headers={"Accept-Language": "en-GB"})
    assert any("€" in text for text in french), french
    assert all(text.endswith("\u00a0€") and "," in text for text in french if "€" in text)
    assert all(text.startswith("€") and "." in text for text in english if "€" in text)
    assert price_texts(module_api, params={"lang": "en"}, headers={"Accept-Language": "fr"}) == english
    assert price_texts(module_api, headers={"Accept-Language": "fr;q=0.1, en;q=0.9"}) == english
    assert price_texts(module_api) == french  # nothing asked: French, the source language


@pytest.mark.parametrize(
    ("headers", "params", "language"), [({"Accept-Language": "en-US"}, {}, "en"), ({}, {"lang": "fr"}, "fr")]
)
def test_errors_in_the_language_asked_for(
    module_api: httpx.Client, headers: dict[str, str], params: dict[str, str], language: str
) -> None:
    answer = module_api.get("/api/orders/ZZZZZZZZ", headers=headers, params=params)
    error = answer.json()["error"]
    assert answer.status_code == 404 and error["language"] == language
    assert error["message"] == i18n.t(f"error.{error['code']}", language, **error["params"])
    missing = module_api.get("/api/no-such-thing", headers=headers, params=params).json()["error"]
    assert missing["message"] == i18n.t("error.not_found", language)


def test_a_json_error_detail_written_by_the_sandbox_is_translated(module_api: httpx.Client) -> None:
    for language, detail in (("fr", "imbriqué trop profondément"), ("en", "nested too deeply")):
        answer = module_api.post(
            "/api/products",
            content=b"[" * 50_000,
            headers={"Content-Type": "application/json"},
            params={"lang": language},
        )
        error = answer.json()["error"]
        assert (answer.status_code, error["code"], error["params"]["detail"]) == (400, "invalid_json", detail)


def test_zapier_trigger_labels_are_the_glossary_labels(module_api: httpx.Client) -> None:
    for language in ("fr", "en"):
        triggers = module_api.get("/api/zapier/triggers", params={"lang": language}).json()["triggers"]
        labels = {item["key"]: item["label"] for item in triggers}
        words = glossary.labels(language)
        assert labels["order"] == words["zapier.trigger_order"]
        assert labels["affiliate"] == words["zapier.trigger_affiliate"]
        assert labels["eticket"] == words["zapier.trigger_eticket"]
