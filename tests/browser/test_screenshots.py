"""The guide's screenshots (``python -m tests.browser.screenshots``): there in both languages,
used by the pages, small; and the script's pure-Python PNG squeezer keeps the picture."""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

import pytest

from tests.browser.harness import ROOT
from tests.browser.screenshots import MOMENTS, WIDTH, decode, squeeze

SHOTS = ROOT / "docs" / "assets" / "screenshots"
DOCS = ROOT / "docs"
MAX_BYTES = 100_000


def header(data: bytes) -> tuple[int, int, int, int]:
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    return width, height, depth, colour


def png(width: int, rows: list[bytes], filters: list[int]) -> bytes:
    """An RGBA PNG whose rows use the given filter types (as Chromium's encoder may)."""
    stride, raw, previous = width * 4, bytearray(), bytes(width * 4)
    for row, kind in zip(rows, filters, strict=True):
        out = bytearray()
        for i in range(stride):
            left = row[i - 4] if i >= 4 else 0
            up = previous[i]
            corner = previous[i - 4] if i >= 4 else 0
            predictor = {0: 0, 1: left, 2: up, 3: (left + up) >> 1}.get(kind)
            if predictor is None:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else corner
            out.append((row[i] - predictor) & 255)
        raw += bytes([kind]) + out
        previous = row

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, len(rows), 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(bytes(raw))) + chunk(b"IEND", b"")


def indexed_pixels(data: bytes) -> list[list[tuple[int, int, int]]]:
    """Reads back what ``squeeze`` writes: a palette PNG whose rows use no filter."""
    at, palette, compressed = 8, b"", b""
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        palette = body if kind == b"PLTE" else palette
        compressed += body if kind == b"IDAT" else b""
        at += 12 + length
    width, height, _, colour = header(data)
    assert colour == 3
    raw = zlib.decompress(compressed)
    colours = [tuple(palette[i : i + 3]) for i in range(0, len(palette), 3)]
    rows = []
    for y in range(height):
        line = raw[y * (width + 1) : (y + 1) * (width + 1)]
        assert line[0] == 0
        rows.append([colours[index] for index in line[1:]])
    return rows  # type: ignore[return-value]


def test_the_squeezer_keeps_a_picture_of_few_colours_exactly() -> None:
    width = 7
    rows = [bytes((x * 30 + y * 7) % 256 if c < 3 else 255 for x in range(width) for c in range(4)) for y in range(5)]
    data = png(width, rows, [0, 1, 2, 3, 4])
    assert decode(data)[2] == [bytes(b for i, b in enumerate(row) if i % 4 != 3) for row in rows]
    back = indexed_pixels(squeeze(data))
    expected = [[tuple(row[x * 4 : x * 4 + 3]) for x in range(width)] for row in rows]
    assert back == expected


def test_the_squeezer_keeps_256_colours_close_to_the_original() -> None:
    width = 64
    rows = [bytes(v for x in range(width) for v in ((x * 4) % 256, (y * 40) % 256, 128, 255)) for y in range(6)]
    back = indexed_pixels(squeeze(png(width, rows, [4] * 6)))
    worst = max(
        abs(a - b)
        for y, row in enumerate(rows)
        for x in range(width)
        for a, b in zip(row[x * 4 : x * 4 + 3], back[y][x], strict=True)
    )
    assert len({colour for line in back for colour in line}) <= 256 and worst <= 8


@pytest.mark.parametrize("moment", MOMENTS)
def test_each_screenshot_is_there_in_both_languages_small_and_used(moment: str) -> None:
    pages = {language: [p for p in DOCS.rglob(f"*.{language}.md")] for language in ("fr", "en")}
    for language in ("fr", "en"):
        path = SHOTS / f"{moment}.{language}.png"
        assert path.exists(), f"{path.name} is missing: python -m tests.browser.screenshots"
        data = path.read_bytes()
        width, height, depth, colour = header(data)
        assert (width, depth, colour) == (WIDTH, 8, 3) and height <= 1700, (path.name, width, height)
        assert len(data) <= MAX_BYTES, f"{path.name}: {len(data)} bytes"
        used = [p for p in pages[language] if re.search(rf"assets/screenshots/{moment}\.png\b", p.read_text("utf-8"))]
        assert used, f"no {language} page shows screenshots/{moment}.png"


def test_no_stray_screenshots() -> None:
    names = {path.name for path in SHOTS.glob("*")}
    assert names == {f"{moment}.{language}.png" for moment in MOMENTS for language in ("fr", "en")}


def test_pictures_are_referenced_the_same_way_in_both_languages() -> None:
    for french in DOCS.rglob("*.fr.md"):
        english = Path(str(french).replace(".fr.md", ".en.md"))
        shots = [re.findall(r"assets/screenshots/[\w-]+\.png", p.read_text("utf-8")) for p in (french, english)]
        assert shots[0] == shots[1], french.name
