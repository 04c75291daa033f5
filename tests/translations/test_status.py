"""Translation status from texts: what is hashed, how it is recorded, what the diff shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.translations import status
from sandbox.translations.markdown import fences, prose, split_front_matter

FRENCH = "# Titre { #t }\n\nPremier paragraphe.\n\nDeuxième paragraphe.\n"
ENGLISH = "# Title { #t }\n\nFirst paragraph.\n\nSecond paragraph.\n"


# --------------------------------------------------------------------------- hash


def test_the_hash_ignores_line_endings_bom_trailing_spaces_and_edge_blank_lines() -> None:
    reference = status.source_hash(FRENCH)
    assert status.source_hash(FRENCH.replace("\n", "\r\n")) == reference
    assert status.source_hash("\ufeff" + FRENCH) == reference
    assert status.source_hash(FRENCH.replace("Premier paragraphe.", "Premier paragraphe.   ")) == reference
    assert status.source_hash("\n\n" + FRENCH + "\n\n\n") == reference
    assert len(reference) == status.HASH_LENGTH and int(reference, 16) >= 0


def test_the_hash_ignores_front_matter_but_not_a_visible_change() -> None:
    reference = status.source_hash(FRENCH)
    assert status.source_hash("---\nhide:\n  - navigation\n---\n\n" + FRENCH) == reference
    assert status.source_hash(FRENCH.replace("Premier", "Tout premier")) != reference
    assert status.source_hash(FRENCH.replace("\n\nDeuxième", "\nDeuxième")) != reference  # paragraphs merged
    # Unicode NFC: an "é" typed as e + combining accent is the same text.
    assert status.source_hash(FRENCH.replace("é", "e\u0301")) == reference


# --------------------------------------------------------------------------- record


def test_with_record_adds_front_matter_to_a_page_without_any() -> None:
    marked = status.with_record(ENGLISH, "0123456789abcdef")
    assert marked.startswith('---\ntranslation_of: "0123456789abcdef"\n---\n\n# Title')
    assert status.recorded_hash(marked) == "0123456789abcdef"
    assert split_front_matter(marked)[1].strip() == ENGLISH.strip()


def test_with_record_keeps_other_keys_and_replaces_its_own() -> None:
    page = "---\nhide:\n  - navigation\n---\n\n" + ENGLISH
    once = status.with_record(page, "aaaaaaaaaaaaaaaa")
    twice = status.with_record(once, "bbbbbbbbbbbbbbbb")
    assert "hide:\n  - navigation" in twice and twice.count("translation_of:") == 1
    assert status.recorded_hash(twice) == "bbbbbbbbbbbbbbbb"
    assert status.with_record(twice, "bbbbbbbbbbbbbbbb") == twice


def test_with_record_keeps_windows_line_endings() -> None:
    marked = status.with_record(ENGLISH.replace("\n", "\r\n"), "0123456789abcdef")
    assert "\r\n" in marked and "\n" not in marked.replace("\r\n", "")


def test_a_numeric_looking_hash_stays_a_string() -> None:
    assert status.recorded_hash('---\ntranslation_of: "1234567890123456"\n---\n') == "1234567890123456"
    assert status.recorded_hash("---\ntranslation_of: 1234567890123456  # a comment\n---\n") == "1234567890123456"
    assert status.recorded_hash(ENGLISH) is None


# --------------------------------------------------------------------------- states


def marked_english(french: str) -> str:
    return status.with_record(ENGLISH, status.source_hash(french))


def test_states() -> None:
    assert status.status_of("p", FRENCH, marked_english(FRENCH)).state == status.UP_TO_DATE
    assert status.status_of("p", FRENCH, None).state == status.MISSING
    assert status.status_of("p", None, ENGLISH).state == status.ORPHANED
    never = status.status_of("p", FRENCH, ENGLISH)
    assert (never.state, never.reason) == (status.OUTDATED, "never_marked")
    with pytest.raises(ValueError):
        status.status_of("p", None, None)


def test_outdated_shows_the_french_diff_since_the_translated_version() -> None:
    changed = FRENCH.replace("Deuxième paragraphe.", "Deuxième paragraphe, réécrit.")
    page = status.status_of("p", changed, marked_english(FRENCH), snapshot=status.normalised_body(FRENCH))
    assert (page.state, page.reason) == (status.OUTDATED, "changed")
    assert page.recorded == status.source_hash(FRENCH) and page.current == status.source_hash(changed)
    assert page.diff is not None
    assert "-Deuxième paragraphe.\n" in page.diff and "+Deuxième paragraphe, réécrit.\n" in page.diff
    assert (page.added, page.removed) == (1, 1)
    assert page.diff.startswith(f"--- p.fr.md@{page.recorded}\n+++ p.fr.md\n")


def test_diff_line_numbers_are_the_french_file_lines() -> None:
    front = "---\nhide:\n  - toc\n---\n\n"
    changed = front + FRENCH.replace("Deuxième", "Troisième")
    page = status.status_of("p", changed, marked_english(FRENCH), snapshot=status.normalised_body(FRENCH))
    assert page.diff is not None
    # Walk the hunk: the added line's number is its line in the French file.
    lines = page.diff.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith("@@"))
    number = int(lines[start].split("+")[1].split(",")[0])
    for line in lines[start + 1 :]:
        if line.startswith("+"):
            break
        if not line.startswith("-"):
            number += 1
    assert changed.splitlines()[number - 1] == "Troisième paragraphe." == line[1:]


def test_a_missing_or_foreign_snapshot_gives_no_diff_but_still_outdated() -> None:
    changed = FRENCH.replace("Premier", "Tout premier")
    for snapshot in (None, "some other text\n"):
        page = status.status_of("p", changed, marked_english(FRENCH), snapshot=snapshot)
        assert page.state == status.OUTDATED and page.diff is None


# --------------------------------------------------------------------------- folders


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


def test_scan_mark_and_stale_sidecars(tmp_path: Path) -> None:
    write(tmp_path / "a.fr.md", FRENCH)
    write(tmp_path / "a.en.md", ENGLISH)
    write(tmp_path / "guide" / "b.fr.md", FRENCH)
    write(tmp_path / "c.en.md", ENGLISH)
    write(tmp_path / "d.md", FRENCH)  # no suffix: the default language, French
    write(tmp_path / ".translations" / "gone.fr.txt", FRENCH)
    states = {page.name: page.state for page in status.scan(tmp_path)}
    assert states == {"a": "outdated", "guide/b": "missing", "c": "orphaned", "d": "missing"}
    assert status.stale_sidecars(tmp_path) == [".translations/gone.fr.txt"]

    value = status.mark(tmp_path, "a")
    assert value == status.source_hash(FRENCH)
    assert status.page_status(tmp_path, "a").state == status.UP_TO_DATE
    assert (tmp_path / ".translations" / "a.fr.txt").read_text("utf-8") == status.normalised_body(FRENCH)
    with pytest.raises(FileNotFoundError, match=r"b\.en\.md"):
        status.mark(tmp_path, "guide/b")
    with pytest.raises(FileNotFoundError, match=r"c\.fr\.md"):
        status.mark(tmp_path, "c")


def test_page_names_from_what_people_type(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = tmp_path / "docs"
    write(docs / "guide" / "1-zap.en.md", ENGLISH)
    monkeypatch.chdir(tmp_path)
    for given in ("guide/1-zap", "guide/1-zap.en.md", "guide/1-zap.fr.md", "docs/guide/1-zap.en.md", "./guide/1-zap"):
        assert status.page_name(docs, given) == "guide/1-zap", given
    assert status.page_name(docs, str(docs / "guide" / "1-zap.en.md")) == "guide/1-zap"


# --------------------------------------------------------------------------- markdown helpers


def test_prose_blanks_code_and_comments_but_keeps_positions() -> None:
    text = "---\ntitle: x\n---\nText `code` here.\n\n```python\nprint('hi')\n```\n<!-- note -->\n"
    masked = prose(text)
    assert len(masked) == len(text) and masked.count("\n") == text.count("\n")
    assert "title" not in masked and "print" not in masked and "note" not in masked and "code" not in masked
    assert "Text" in masked and "here." in masked


def test_fences_inside_admonitions_and_longer_fences() -> None:
    text = "!!! note\n\n    ```text\n    A\n    ```\n\n````md\n```\ninner\n```\n````\n"
    found = fences(text)
    assert [(fence.line, fence.language) for fence in found] == [(3, "text"), (7, "md")]
    assert found[0].content == ((4, "A"),)
    assert [line for _, line in found[1].content] == ["```", "inner", "```"]
