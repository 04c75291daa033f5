"""The same clicks give the same answers and the same signed IPN bytes as the recorded run."""

from __future__ import annotations

import difflib
import json

from tests.golden.run import RECORDING, record


def test_the_recorded_run_repeats_call_for_call() -> None:
    recorded = json.loads(RECORDING.read_text("utf-8"))
    replayed = record()
    assert [step["call"] for step in replayed] == [step["call"] for step in recorded]
    for before, after in zip(recorded, replayed, strict=True):
        if before != after:
            diff = difflib.unified_diff(
                json.dumps(before, indent=1, sort_keys=True, ensure_ascii=False).splitlines(),
                json.dumps(after, indent=1, sort_keys=True, ensure_ascii=False).splitlines(),
                "recorded",
                "now",
                lineterm="",
            )
            raise AssertionError(f"{before['call']} answers differently:\n" + "\n".join(list(diff)[:80]))
