"""``ds24-sandbox i18n``: the real guide passes; each seeded fault fails, named, until fixed."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from sandbox import i18n
from tests.translations.conftest import DOCS, MESSAGES, ROOT, Run, edit

CLI = Callable[..., Run]
FRENCH_PARAGRAPH = "Un Zap, c'est une phrase"
CHANGED_PARAGRAPH = "Un Zap, c'est une courte phrase"


def test_check_passes_on_the_real_docs(cli: CLI) -> None:
    """The guide as committed: every page up to date, in step, on the agreed words."""
    result = cli("i18n", "check", "--docs", str(DOCS))
    assert result.code == 0, result.out + result.err
    assert "no problem found" in result.out


def test_status_from_the_repository_root_without_docs_option(
    cli: CLI, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(ROOT / "sandbox")  # mkdocs.yml is found upwards
    result = cli("i18n", "status", "--json")
    data = json.loads(result.out)
    assert result.code == 0 and Path(data["docs"]).resolve() == DOCS.resolve()
    assert data["counts"]["up_to_date"] == len(data["pages"]) and data["counts"]["outdated"] == 0
    monkeypatch.chdir(tmp_path)  # nowhere near a guide
    lost = cli("i18n", "status", lang="fr")
    assert lost.code == 2 and "mkdocs.yml" in lost.err and "--docs" in lost.err


def test_a_changed_french_paragraph_is_outdated_with_its_diff_until_marked(docs: Path, cli: CLI) -> None:
    edit(docs / "guide" / "1-zap.fr.md", FRENCH_PARAGRAPH, CHANGED_PARAGRAPH)

    check = cli("i18n", "check", "--docs", str(docs))
    assert check.code == 1
    assert "guide/1-zap.en.md: outdated — guide/1-zap.fr.md changed" in check.out
    assert "+1 −1 lines" in check.out and "i18n mark PAGE" in check.out

    status = cli("i18n", "status", "--docs", str(docs), "--json")
    pages = {page["page"]: page for page in json.loads(status.out)["pages"]}
    page = pages["guide/1-zap"]
    assert (page["state"], page["reason"], page["changed_lines"]) == ("outdated", "changed", {"added": 1, "removed": 1})
    assert f"\n-{FRENCH_PARAGRAPH}" in page["diff"] and f"\n+{CHANGED_PARAGRAPH}" in page["diff"]
    assert all(other["state"] == "up_to_date" for name, other in pages.items() if name != "guide/1-zap")

    text = cli("i18n", "status", "--docs", str(docs), lang="fr")
    assert "à revoir   guide/1-zap — le français a changé depuis" in text.out
    assert f"    +{CHANGED_PARAGRAPH}" in text.out

    marked = cli("i18n", "mark", "guide/1-zap", "--docs", str(docs))
    assert marked.code == 0 and "guide/1-zap: marked up to date" in marked.out
    assert cli("i18n", "check", "--docs", str(docs)).code == 0


def test_the_check_speaks_the_terminal_language(docs: Path, cli: CLI) -> None:
    edit(docs / "guide" / "1-zap.fr.md", FRENCH_PARAGRAPH, CHANGED_PARAGRAPH)
    french = cli("i18n", "check", "--docs", str(docs), lang="fr")
    assert french.code == 1
    assert "guide/1-zap.en.md : à revoir" in french.out and "Que faire :" in french.out


def test_a_translation_that_drops_a_heading_fails_with_both_lines(docs: Path, cli: CLI) -> None:
    page = docs / "guide" / "1-zap.en.md"
    text = page.read_text("utf-8")
    heading = next(line for line in text.splitlines() if line.startswith("## "))
    edit(page, heading + "\n", "")
    french_line = next(
        number
        for number, line in enumerate((docs / "guide" / "1-zap.fr.md").read_text("utf-8").splitlines(), start=1)
        if line.startswith("## ") and heading.split("{")[-1] in line
    )
    result = cli("i18n", "check", "--docs", str(docs))
    assert result.code == 1
    anchor = "h2 #" + heading.split("#")[-1].rstrip(" }")
    expected = f"guide/1-zap: heading anchor {anchor} is in French (line {french_line} of guide/1-zap.fr.md)"
    assert expected in result.out, result.out
    assert "but not in English (around line" in result.out


def test_a_translation_that_drops_a_panel_fails_naming_it(docs: Path, cli: CLI) -> None:
    edit(docs / "guide" / "2-trigger.en.md", '<div class="ds24-panel" data-panel="trigger"></div>\n', "")
    result = cli("i18n", "check", "--docs", str(docs), "--json")
    assert result.code == 1
    problems = json.loads(result.out)["problems"]
    panels = [problem for problem in problems if problem.get("kind") == "panel"]
    assert len(panels) == 1 and panels[0]["fr"] == "trigger" and panels[0]["page"] == "guide/2-trigger"
    assert panels[0]["code"] == "parity_missing" and panels[0]["fr_line"].isdigit()
    # The English page has no other panel: the place given is its section's heading there.
    english = (docs / "guide" / "2-trigger.en.md").read_text("utf-8").splitlines()
    assert english[int(panels[0]["en_line"]) - 1].startswith("#")


def test_missing_and_orphaned_pages(docs: Path, cli: CLI) -> None:
    (docs / "troubleshooting.en.md").unlink()
    shutil.copy(docs / "index.en.md", docs / "extra.en.md")
    result = cli("i18n", "check", "--docs", str(docs))
    assert result.code == 1
    assert "troubleshooting.fr.md: no English translation (troubleshooting.en.md does not exist)." in result.out
    assert "extra.en.md: English page without a French source (extra.fr.md does not exist)." in result.out


def test_a_glossary_variant_in_a_french_page_fails(docs: Path, cli: CLI) -> None:
    page = docs / "guide" / "2-trigger.fr.md"
    edit(page, "## Nouvel Événement de Commande {", "## Nouvel événement de commande {")
    line = (
        page.read_text("utf-8")
        .splitlines()
        .index(next(text for text in page.read_text("utf-8").splitlines() if "Nouvel événement de commande" in text))
    )
    result = cli("i18n", "check", "--docs", str(docs))
    assert result.code == 1
    assert (
        f'guide/2-trigger.fr.md:{line + 1}: "Nouvel événement de commande" — the glossary\'s form is '
        '"Nouvel Événement de Commande" (zapier.trigger_order).'
    ) in result.out


def test_a_message_catalog_missing_a_key_fails_naming_file_and_key(tmp_path: Path, cli: CLI) -> None:
    messages = tmp_path / "messages"
    shutil.copytree(MESSAGES, messages)
    path = messages / "en" / "cli.json"
    data = json.loads(path.read_text("utf-8"))
    del data["cli.no_events"]
    data["cli.serving"] = data["cli.serving"].replace("{url}", "{address}")
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    result = cli("i18n", "check", "--docs", str(DOCS), "--messages", str(messages))
    assert result.code == 1
    assert "messages/en/cli.json: the key cli.no_events is missing (the other language has it)." in result.out
    assert "messages/*/cli.json: cli.serving has different placeholders: fr {database, url} ≠ en" in result.out
    assert i18n.t("translations.fix.catalog", "en") in result.out


def test_mark_explains_what_is_wrong(docs: Path, cli: CLI) -> None:
    assert "Give a page" in cli("i18n", "mark", "--docs", str(docs)).err
    unknown = cli("i18n", "mark", "guide/10-nope", "--docs", str(docs), lang="fr")
    assert unknown.code == 2 and "Il n'y a pas de page « guide/10-nope »" in unknown.err
    (docs / "index.en.md").unlink()
    missing = cli("i18n", "mark", "index", "--docs", str(docs))
    assert missing.code == 2 and "there is no English page index.en.md yet" in missing.err


def test_mark_reports_a_structural_difference_it_cannot_fix(docs: Path, cli: CLI) -> None:
    edit(docs / "guide" / "2-trigger.en.md", '<div class="ds24-panel" data-panel="trigger"></div>\n', "")
    result = cli("i18n", "mark", str(docs / "guide" / "2-trigger.en.md"), "--docs", str(docs))
    assert result.code == 0
    assert "  ! guide/2-trigger: panel trigger is in French" in result.out


def test_glossary_command(cli: CLI) -> None:
    data = json.loads(cli("i18n", "glossary", "--json").out)
    assert data["zapier.trigger_order"] == {"fr": "Nouvel Événement de Commande", "en": "New Order Event"}
    assert "Nouvel Événement de Commande  ⇄  New Order Event" in cli("i18n", "glossary").out
