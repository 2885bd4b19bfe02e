"""The screenshot tests' PNG reader (tests/png.py) decodes every row filter, RGB and RGBA, exactly."""

from __future__ import annotations

import random
import struct
import zlib
from pathlib import Path

import pytest

from tests.png import SIGNATURE, read_png


def _paeth(left: int, above: int, corner: int) -> int:
    estimate = left + above - corner
    distances = [abs(estimate - left), abs(estimate - above), abs(estimate - corner)]
    return [left, above, corner][distances.index(min(distances))]  # ties: left, then above


def _filtered(kind: int, row: bytes, up: bytes, bpp: int) -> bytes:
    """The PNG specification's encoder side, written out independently of the reader."""
    out = bytearray()
    for i, value in enumerate(row):
        left = row[i - bpp] if i >= bpp else 0
        corner = up[i - bpp] if i >= bpp else 0
        predictor = [0, left, up[i], (left + up[i]) // 2, _paeth(left, up[i], corner)][kind]
        out.append((value - predictor) % 256)
    return bytes(out)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _write_png(path: Path, rows: list[bytes], width: int, colour: int, bpp: int) -> None:
    stream = bytearray()
    up = bytes(width * bpp)
    for y, row in enumerate(rows):
        kind = y % 5  # None, Sub, Up, Average, Paeth, None, ...
        stream += bytes([kind]) + _filtered(kind, row, up, bpp)
        up = row
    header = struct.pack(">IIBBBBB", width, len(rows), 8, colour, 0, 0, 0)
    path.write_bytes(
        SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(stream)))
        + _chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(("colour", "bpp"), [(2, 3), (6, 4)])
def test_every_row_filter_decodes_to_the_original_pixels(tmp_path: Path, colour: int, bpp: int) -> None:
    rng = random.Random(colour)
    width, height = 13, 11
    rows = [bytes(rng.randrange(256) for _ in range(width * bpp)) for _ in range(height)]
    _write_png(tmp_path / "x.png", rows, width, colour, bpp)

    image = read_png(tmp_path / "x.png")

    assert image.shape == (height, width, bpp)
    assert [image[y].tobytes() for y in range(height)] == rows


def test_an_unsupported_png_is_refused(tmp_path: Path) -> None:
    header = struct.pack(">IIBBBBB", 1, 1, 16, 2, 0, 0, 0)  # 16 bits per channel
    (tmp_path / "x.png").write_bytes(SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IEND", b""))
    with pytest.raises(ValueError, match="unsupported PNG"):
        read_png(tmp_path / "x.png")
