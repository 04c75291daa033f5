"""Screenshots of the guide's key moments, from the real UI, in both languages.

    python -m tests.browser.screenshots [--site DIR] [--out docs/assets/screenshots]

Builds the guide (or uses ``--site``), starts the sandbox as ``make run`` does (fresh
database, fixed seed so the sample data stays the same), and walks the guide in Chromium with
the browser tests' own walk (``tests/browser/walk.py``). At each key moment the panel is saved
as ``<out>/<moment>.<lang>.png``: the suffix is how the guide's i18n plugin localises a file,
so a page shows ``../assets/screenshots/trigger.png`` and each language gets its own picture,
the pages keeping the identical structure ``sandbox i18n check`` requires.

Pictures are 1000 px wide and squeezed to a 256-colour palette (pure Python, no image
library needed), which keeps each one small.
"""

from __future__ import annotations

import argparse
import struct
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

from tests.browser.harness import CHROMIUM_ARGS, INSTALL_HINT, ROOT, GuideServer, build_site, chromium_executable

OUT = ROOT / "docs" / "assets" / "screenshots"
LANGUAGES = ("fr", "en")
WIDTH = 1000  # pixels of each picture
VIEWPORT = {"width": 1280, "height": 1000}
MAX_HEIGHT = 1100  # CSS pixels of a panel kept in a picture (below that, it is cut)
SEED = "guide-screenshots"
# The moments the walk announces, and the ones kept as pictures.
MOMENTS = ("trigger", "ipn", "template", "results")


# --------------------------------------------------------------------------- PNG, pure Python


def _chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    at = 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        yield kind, data[at + 8 : at + 8 + length]
        at += 12 + length


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode(data: bytes) -> tuple[int, int, list[bytes]]:
    """An 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes) → width, height, RGB rows."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    header, compressed = b"", b""
    for kind, body in _chunks(data):
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            compressed += body
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and not interlace, "unexpected PNG layout"
    step = 3 if colour == 2 else 4
    raw = zlib.decompress(compressed)
    stride = width * step
    rows: list[bytes] = []
    previous = bytearray(stride)
    at = 0
    for _ in range(height):
        kind = raw[at]
        line = bytearray(raw[at + 1 : at + 1 + stride])
        at += 1 + stride
        if kind == 1:
            for i in range(step, stride):
                line[i] = (line[i] + line[i - step]) & 255
        elif kind == 2:
            for i in range(stride):
                line[i] = (line[i] + previous[i]) & 255
        elif kind == 3:
            for i in range(stride):
                left = line[i - step] if i >= step else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 255
        elif kind == 4:
            for i in range(stride):
                left = line[i - step] if i >= step else 0
                corner = previous[i - step] if i >= step else 0
                line[i] = (line[i] + _paeth(left, previous[i], corner)) & 255
        previous = line
        rows.append(bytes(line) if step == 3 else bytes(b for i, b in enumerate(line) if i % 4 != 3))
    return width, height, rows


def palette(rows: list[bytes], size: int = 256) -> dict[int, tuple[int, int, int, int]]:
    """Median cut over the image's colours: each colour → (index, r, g, b) of its palette entry.
    An image of ``size`` colours or fewer keeps them all, exactly."""
    counts: dict[int, int] = {}
    for row in rows:
        for i in range(0, len(row), 3):
            key = (row[i] << 16) | (row[i + 1] << 8) | row[i + 2]
            counts[key] = counts.get(key, 0) + 1

    def widest(box: list[int]) -> tuple[int, int]:
        """(how much the box matters: its widest channel's range × its pixels, that channel's shift)."""
        ranges = {
            shift: max((c >> shift) & 255 for c in box) - min((c >> shift) & 255 for c in box) for shift in (16, 8, 0)
        }
        shift = max(ranges, key=lambda s: ranges[s])
        return (ranges[shift] * sum(counts[c] for c in box) if len(box) > 1 else -1), shift

    boxes = [list(counts)]
    scores = [widest(boxes[0])]
    while len(boxes) < size:
        n = max(range(len(boxes)), key=lambda i: scores[i][0])
        score, shift = scores[n]
        if score <= 0:
            break
        box = sorted(boxes.pop(n), key=lambda c: (c >> shift) & 255)
        scores.pop(n)
        half, seen, cut = sum(counts[c] for c in box) / 2, 0, 0
        while cut < len(box) - 1 and seen + counts[box[cut]] < half:
            seen += counts[box[cut]]
            cut += 1
        cut = max(cut, 1)
        for part in (box[:cut], box[cut:]):
            boxes.append(part)
            scores.append(widest(part))
    mapping: dict[int, tuple[int, int, int, int]] = {}
    for index, box in enumerate(boxes):
        total = sum(counts[c] for c in box)
        r, g, b = (round(sum(((c >> s) & 255) * counts[c] for c in box) / total) for s in (16, 8, 0))
        for colour in box:
            mapping[colour] = (index, r, g, b)
    return mapping


def encode_indexed(width: int, rows: list[bytes], mapping: dict[int, tuple[int, int, int, int]]) -> bytes:
    entries = sorted({value for value in mapping.values()})
    plte = b"".join(bytes(entry[1:]) for entry in entries)
    lines = bytearray()
    for row in rows:
        lines.append(0)  # filter "none": the best for palette images
        lines.extend(mapping[(row[i] << 16) | (row[i + 1] << 8) | row[i + 2]][0] for i in range(0, len(row), 3))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, len(rows), 8, 3, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"PLTE", plte)
        + chunk(b"IDAT", zlib.compress(bytes(lines), 9))
        + chunk(b"IEND", b"")
    )


def squeeze(png: bytes) -> bytes:
    width, _, rows = decode(png)
    return encode_indexed(width, rows, palette(rows))


# --------------------------------------------------------------------------- the walk


def shooter(page: object, out: Path, language: str, made: list[Path]) -> object:
    def shoot(name: str, targets: object) -> None:
        if name not in MOMENTS:
            return
        found = targets if isinstance(targets, list) else [targets]
        if len(found) > 1:  # a part of a panel: as wide as the panel
            found.append(found[0].locator("xpath=ancestor::div[contains(@class, 'ds24-panel')][1]"))
        found[0].scroll_into_view_if_needed()
        page.evaluate("() => document.activeElement && document.activeElement.blur()")  # type: ignore[attr-defined]
        x, y = page.evaluate("() => [window.scrollX, window.scrollY]")  # type: ignore[attr-defined]
        boxes = [target.bounding_box() for target in found]
        assert all(boxes), name
        left = min(box["x"] for box in boxes) + x
        right = max(box["x"] + box["width"] for box in boxes) + x
        parts = boxes[:-1] if len(boxes) > 1 else boxes
        top = min(box["y"] for box in parts) + y
        bottom = max(box["y"] + box["height"] for box in parts) + y
        if len(boxes) > 1:  # a little of the panel above and below the part
            top, bottom = top - 6, bottom + 12
        # Material's header stays at the top of the window, and the whole-page capture paints it
        # where the window is: scroll so the picture starts well below it, and hide the
        # "back to top" button that scrolling up shows.
        page.add_style_tag(content=".md-top { display: none !important; }")  # type: ignore[attr-defined]
        page.evaluate("(y) => window.scrollTo(0, y)", max(0, top - 250))  # type: ignore[attr-defined]
        page.wait_for_timeout(150)  # type: ignore[attr-defined]  # fonts and layout settle
        clip = {"x": left, "y": top, "width": right - left, "height": min(bottom - top, MAX_HEIGHT)}
        # The whole page at once: no sticky header nor "back to top" button over the panel.
        png = page.screenshot(full_page=True, clip=clip, animations="disabled", caret="hide")  # type: ignore[attr-defined]
        path = out / f"{name}.{language}.png"
        path.write_bytes(squeeze(png))
        made.append(path)
        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} ({path.stat().st_size // 1024} KB)")

    return shoot


def scale_for(browser: object, server: GuideServer) -> float:
    """The device scale that makes a panel WIDTH pixels wide in the picture."""
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(server.url + "/guide/2-trigger/")
    width = page.locator('.ds24-panel[data-panel="trigger"]').bounding_box()["width"]
    context.close()
    return WIDTH / width


def run(site: Path, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    from tests.browser.reader import Reader, Watch
    from tests.browser.walk import GuideWalk

    chromium = chromium_executable()
    if chromium is None:
        raise SystemExit(INSTALL_HINT)
    out.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        for language in LANGUAGES:
            server = GuideServer(site, Path(folder) / language / "sandbox.sqlite3", seed=SEED).start()
            try:
                scale = scale_for(browser, server)
                context = browser.new_context(viewport=VIEWPORT, device_scale_factor=scale, locale=language)
                watch = Watch(server.netloc)
                watch.attach(context)
                page = context.new_page()
                print(f"{language}: walking the guide (scale {scale:.3f})")
                reader = Reader(page, server, watch, language)
                GuideWalk(reader, "sheets", shoot=shooter(page, out, language, made)).all()  # type: ignore[arg-type]
                reader.assert_clean()
                context.close()
            finally:
                server.stop()
        browser.close()
    wanted = [out / f"{name}.{language}.png" for name in MOMENTS for language in LANGUAGES]
    missing = [path.name for path in wanted if path not in made]
    if missing:
        raise SystemExit(f"the walk did not reach: {missing}")
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.browser.screenshots", description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="an already built guide (default: build one now)")
    parser.add_argument("--out", type=Path, default=OUT, help="where the pictures go (default %(default)s)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        site = args.site or build_site(Path(folder) / "site")
        made = run(site, args.out)
    print(f"{len(made)} pictures in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
