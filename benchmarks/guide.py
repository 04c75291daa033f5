"""The guide build against two baselines of the same pages, and the weight of the panels' assets.

A baseline answers "is our guide slow to build, or is MkDocs?": a generated site with the
same Markdown files (same paths, so the same two languages and page count), built with
nothing but mkdocs-material and mkdocs-static-i18n — no hooks, no extra Markdown
extensions, no extra assets. Two of them, differing only in how many bytes each page has:

- **source-sized**: as many bytes of plain Markdown as the page's source file. The stricter
  figure: everything our hooks add to a page (catalog tables, notices) counts as our cost.
- **content-sized**: as many bytes as the Markdown the converter receives for the page, after
  every ``on_page_markdown`` of the real build (recorded by one untimed build with a small
  recording plugin). What is left is what our hooks, extensions and theme settings cost,
  apart from how much content the guide shows.

Builds alternate real / source-sized / content-sized so that a passing disturbance hits all
three; each is a fresh ``python -m mkdocs build`` process, as ``make run`` does it.
"""

from __future__ import annotations

import gzip
import json
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


def make_baseline(folder: Path, docs: Path, sizes: dict[str, int] | None = None) -> dict[str, int]:
    """Write a baseline site's config and pages into ``folder``.

    Each page gets about as many bytes as ``sizes`` gives for its path relative to ``docs``
    (POSIX, as MkDocs' ``src_uri``), else as many as its source file.
    """
    pages = real_pages(docs)
    total = 0
    for page in pages:
        relative = page.relative_to(docs)
        size = (sizes or {}).get(relative.as_posix(), page.stat().st_size)
        target = folder / "docs" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        text = baseline_page(relative.stem.split(".")[0].replace("-", " ").title(), size, str(relative))
        target.write_text(text, "utf-8")
        total += len(text.encode())
    (folder / "mkdocs.yml").write_text(BASELINE_CONFIG, "utf-8")
    return {"pages": len(pages), "bytes": total}


# Run in a fresh interpreter: load the real config as ``mkdocs build`` does, add a plugin
# whose ``on_page_markdown`` runs after every other one, and record the bytes of Markdown
# each page hands to the converter. Both languages (mkdocs-static-i18n builds the second one
# from the first build's on_post_build, with the same plugins).
RECORD_SIZES = """
import json, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.plugins import BasePlugin, event_priority

config_file, site, out = sys.argv[1:4]
sizes = {}

class RecordSizes(BasePlugin):
    @event_priority(-10000)
    def on_page_markdown(self, markdown, page, config, files):
        key = page.file.src_uri
        sizes[key] = max(sizes.get(key, 0), len(markdown.encode()))
        return markdown

config = load_config(config_file, site_dir=site)
config.plugins["ds24-bench-record-sizes"] = RecordSizes()
config.plugins.on_startup(command="build", dirty=False)
try:
    build(config)
finally:
    config.plugins.on_shutdown()
with open(out, "w", encoding="utf-8") as handle:
    json.dump(sizes, handle)
"""


def content_sizes(config: Path, scratch: Path, timeout: float = 180.0) -> tuple[dict[str, int], str]:
    """Bytes of Markdown the converter receives for each page (by ``src_uri``), or an error text."""
    out = scratch / "content-sizes.json"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-c", RECORD_SIZES, str(config), str(scratch / "sizes-site"), str(out)]
    done = subprocess.run(command, cwd=config.parent, capture_output=True, text=True, timeout=timeout, env=env)
    if done.returncode != 0 or not out.exists():
        return {}, (done.stderr or done.stdout or "no sizes written")[-1500:]
    return {str(key): int(value) for key, value in json.loads(out.read_text("utf-8")).items()}, ""


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


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def measure_builds(runs: int, keep_site: Path) -> dict[str, Any]:
    """Median wall (and CPU) time of ``runs`` real builds and ``runs`` of each baseline, alternated.

    CPU time is kept too: on a shared machine another process stretches wall time, not the
    build's own CPU time, so the CPU ratio tells whether a wall ratio is disturbed.

    ``baseline_source`` and ``baseline_content`` hold each baseline's figures; the top-level
    ``ratio_to_*`` keys are real / baseline medians. ``baseline_s``, ``ratio`` and the like
    (no ``source``/``content`` in the name) repeat the source-sized baseline's, as before.
    """
    config = ROOT / "mkdocs.yml"
    docs = ROOT / "docs"
    real_bytes = sum(page.stat().st_size for page in real_pages(docs))
    real: dict[str, list[float]] = {"wall": [], "cpu": []}
    error = ""
    with tempfile.TemporaryDirectory(prefix="ds24-bench-guide-") as scratch:
        folder = Path(scratch)
        # One untimed build of the real guide first: it records the content sizes and warms
        # the disk cache for everyone.
        sizes, sizes_error = content_sizes(config, folder)
        baselines: dict[str, dict[str, Any]] = {
            "source": {"made": make_baseline(folder / "baseline-source", docs)},
        }
        if sizes:
            baselines["content"] = {"made": make_baseline(folder / "baseline-content", docs, sizes)}
        for item in baselines.values():
            item["wall"], item["cpu"] = [], []
        for attempt in range(runs):
            real_site = keep_site if attempt == runs - 1 else folder / f"real-{attempt}"
            wall, cpu, failure = build(config, real_site)
            if failure:
                error = failure
                break
            real["wall"].append(wall)
            real["cpu"].append(cpu)
            for name, item in baselines.items():
                baseline_config = folder / f"baseline-{name}" / "mkdocs.yml"
                wall, cpu, failure = build(baseline_config, folder / f"site-{name}-{attempt}")
                if failure:
                    error = f"baseline {name}: " + failure
                    break
                item["wall"].append(wall)
                item["cpu"].append(cpu)
            if error:
                break
        complete = len(real["wall"]) == runs and all(len(item["wall"]) == runs for item in baselines.values())
        figures: dict[str, dict[str, Any]] = {}
        for name, item in baselines.items():
            figures[name] = {
                "markdown_bytes": item["made"]["bytes"],
                "html_bytes": _html_bytes(folder / f"site-{name}-{runs - 1}"),
                "wall_s": [round(value, 3) for value in item["wall"]],
                "cpu_s": [round(value, 3) for value in item["cpu"]],
            }
        source = figures["source"]
        result: dict[str, Any] = {
            "pages": baselines["source"]["made"]["pages"],
            "real_markdown_bytes": real_bytes,
            "real_content_markdown_bytes": sum(sizes.values()) if sizes else None,
            "baseline_markdown_bytes": source["markdown_bytes"],
            "real_html_bytes": _html_bytes(keep_site),
            "baseline_html_bytes": source["html_bytes"],
            "html_files_built": len(list(keep_site.rglob("*.html"))) if keep_site.exists() else 0,
            "real_s": [round(value, 3) for value in real["wall"]],
            "baseline_s": source["wall_s"],
            "real_cpu_s": [round(value, 3) for value in real["cpu"]],
            "baseline_cpu_s": source["cpu_s"],
            "baseline_source": source,
            "baseline_content": figures.get("content", {"error": "content sizes not recorded: " + sizes_error}),
            "content_sizes": sizes,
            "error": error,
        }
    if complete:
        result["real_median_s"] = _median(real["wall"])
        result["real_cpu_median_s"] = _median(real["cpu"])
        for name, item in figures.items():
            item["median_s"] = _median(item["wall_s"])
            item["cpu_median_s"] = _median(item["cpu_s"])
            item["ratio"] = round(result["real_median_s"] / item["median_s"], 3)
            item["cpu_ratio"] = round(result["real_cpu_median_s"] / item["cpu_median_s"], 3)
            result[f"ratio_to_{name}_baseline"] = item["ratio"]
            result[f"cpu_ratio_to_{name}_baseline"] = item["cpu_ratio"]
        result["baseline_median_s"] = source["median_s"]
        result["baseline_cpu_median_s"] = source["cpu_median_s"]
        result["ratio"] = source["ratio"]
        result["cpu_ratio"] = source["cpu_ratio"]
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
