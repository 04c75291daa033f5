"""The guide build against a baseline of the same size, and the weight of the panels' assets.

The baseline answers "is our guide slow to build, or is MkDocs?": a generated site with the
same Markdown files (same paths, so the same two languages and page count, and about the
same bytes each), built with nothing but mkdocs-material and mkdocs-static-i18n — no hooks,
no extra Markdown extensions, no extra assets. Builds alternate real/baseline so that a
passing disturbance hits both; each is a fresh ``python -m mkdocs build`` process, as
``make run`` does it.
"""

from __future__ import annotations

import gzip
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.processes import ROOT

WORDS = (
    *("vendeur", "paiement", "produit", "commande", "déclencheur", "modèle", "champ", "événement"),
    *("vendor", "payment", "product", "order", "trigger", "action", "template", "field", "event"),
    *("webhook", "signature", "passphrase", "connection", "receiver", "delivery", "retry", "sandbox"),
)
PANEL_ASSETS = ("docs/assets/panels.js", "docs/assets/panels.css")
GZIP_LEVEL = 6  # zlib's default, what most servers use


def _paragraph(chooser: random.Random, words: int) -> str:
    text = " ".join(chooser.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _parts(chooser: random.Random) -> Iterator[str]:
    """Endless plain-Markdown blocks, in the mix a guide page has."""
    section = 0
    while True:
        section += 1
        yield f"## Section {section}\n"
        yield _paragraph(chooser, 40) + "\n"
        yield "\n".join(f"- {_paragraph(chooser, 8)}" for _ in range(3)) + "\n"
        if section % 2 == 0:
            row = f"| `{chooser.choice(WORDS)}` | {chooser.randint(1, 999)} | {_paragraph(chooser, 5)} |"
            yield "\n".join(["| name | value | note |", "|---|---|---|", row, row, row]) + "\n"
        if section % 3 == 0:
            yield "```text\nevent=on_payment&order_id=ABC123&sha_sign=0F3A...\n```\n"


def baseline_page(title: str, size: int, seed: str) -> str:
    """Plain Markdown of about ``size`` bytes (one block over at most): headings, prose, lists, tables, code."""
    text = f"# {title}\n"
    for part in _parts(random.Random(seed)):
        if len(text.encode()) >= size:
            return text
        text += "\n" + part
    raise AssertionError("unreachable")


def real_pages(docs: Path) -> list[Path]:
    """The guide's Markdown pages (``hooks/`` is code, excluded from the build by mkdocs.yml)."""
    return sorted(path for path in docs.rglob("*.md") if "hooks" not in path.relative_to(docs).parts)


BASELINE_CONFIG = """site_name: Baseline
docs_dir: docs
theme:
  name: material
  language: fr
  font: false
plugins:
  - search
  - i18n:
      docs_structure: suffix
      fallback_to_default: true
      languages:
        - locale: fr
          default: true
          name: Français
          build: true
        - locale: en
          name: English
          build: true
"""


def make_baseline(folder: Path, docs: Path) -> dict[str, int]:
    """Write the baseline site's config and pages into ``folder``."""
    pages = real_pages(docs)
    total = 0
    for page in pages:
        relative = page.relative_to(docs)
        target = folder / "docs" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        text = baseline_page(relative.stem.split(".")[0].replace("-", " ").title(), page.stat().st_size, str(relative))
        target.write_text(text, "utf-8")
        total += len(text.encode())
    (folder / "mkdocs.yml").write_text(BASELINE_CONFIG, "utf-8")
    return {"pages": len(pages), "bytes": total}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build(config: Path, site: Path, timeout: float = 180.0) -> tuple[float, float, str]:
    """One full build in a fresh process: (wall seconds, CPU seconds, error text or "")."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "--site-dir", str(site), "--quiet"],
        cwd=config.parent,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    wall = time.perf_counter() - started
    return wall, _children_cpu() - cpu, "" if done.returncode == 0 else (done.stderr or done.stdout)[-1500:]


def _html_bytes(site: Path) -> int:
    return sum(path.stat().st_size for path in site.rglob("*.html")) if site.exists() else 0


def measure_builds(runs: int, keep_site: Path) -> dict[str, Any]:
    """Median wall (and CPU) time of ``runs`` real and ``runs`` baseline builds, alternated.

    CPU time is kept too: on a shared machine another process stretches wall time, not the
    build's own CPU time, so the CPU ratio tells whether a wall ratio is disturbed.
    """
    config = ROOT / "mkdocs.yml"
    docs = ROOT / "docs"
    real_bytes = sum(page.stat().st_size for page in real_pages(docs))
    times: dict[str, list[float]] = {"real_s": [], "baseline_s": [], "real_cpu_s": [], "baseline_cpu_s": []}
    error = ""
    with tempfile.TemporaryDirectory(prefix="ds24-bench-guide-") as scratch:
        folder = Path(scratch)
        baseline = make_baseline(folder / "baseline", docs)
        for attempt in range(runs):
            real_site = keep_site if attempt == runs - 1 else folder / f"real-{attempt}"
            wall, cpu, failure = build(config, real_site)
            if failure:
                error = failure
                break
            times["real_s"].append(wall)
            times["real_cpu_s"].append(cpu)
            baseline_site = folder / f"baseline-{attempt}"
            wall, cpu, failure = build(folder / "baseline" / "mkdocs.yml", baseline_site)
            if failure:
                error = "baseline: " + failure
                break
            times["baseline_s"].append(wall)
            times["baseline_cpu_s"].append(cpu)
        result: dict[str, Any] = {
            "pages": baseline["pages"],
            "real_markdown_bytes": real_bytes,
            "baseline_markdown_bytes": baseline["bytes"],
            "real_html_bytes": _html_bytes(keep_site),
            "baseline_html_bytes": _html_bytes(folder / f"baseline-{runs - 1}"),
            "html_files_built": len(list(keep_site.rglob("*.html"))) if keep_site.exists() else 0,
            **{key: [round(value, 3) for value in values] for key, values in times.items()},
            "error": error,
        }
    if len(times["real_s"]) == runs and len(times["baseline_s"]) == runs:
        for key, values in times.items():
            result[key.replace("_s", "_median_s")] = round(statistics.median(values), 3)
        result["ratio"] = round(result["real_median_s"] / result["baseline_median_s"], 3)
        result["cpu_ratio"] = round(result["real_cpu_median_s"] / result["baseline_cpu_median_s"], 3)
    return result


def panel_weight() -> dict[str, Any]:
    """Bytes of the panels' own JS and CSS, raw and gzipped (each file as it is served)."""
    files = {}
    for name in PANEL_ASSETS:
        path = ROOT / name
        data = path.read_bytes() if path.exists() else b""
        files[name] = {"raw": len(data), "gzip": len(gzip.compress(data, GZIP_LEVEL, mtime=0)), "exists": path.exists()}
    return {
        "files": files,
        "raw": sum(item["raw"] for item in files.values()),
        "gzip": sum(item["gzip"] for item in files.values()),
        "gzip_level": GZIP_LEVEL,
    }
