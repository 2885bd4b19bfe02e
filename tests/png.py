"""A PNG reader for screenshot tests: 8-bit RGB or RGBA, not interlaced (what Chromium writes).

Standard library (``zlib``, ``struct``) and numpy (already in the ``dev`` extra through ``evals``);
no imaging library. Rows with the None, Sub and Up filters are undone with numpy; Average and
Paeth rows (few in a screenshot) byte by byte.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import numpy.typing as npt

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {2: 3, 6: 4}  # colour type -> channels: RGB, RGBA


def read_png(path: Path) -> npt.NDArray[np.uint8]:
    """The image as an array of shape ``(height, width, channels)``."""
    data = path.read_bytes()
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{path}: not a PNG file")
    header = b""
    compressed = bytearray()
    pos = len(SIGNATURE)
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length  # length, type, body, CRC
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            compressed += body
        elif kind == b"IEND":
            break
    width, height, depth, colour, _method, _filter, interlace = struct.unpack(">IIBBBBB", header)
    if depth != 8 or colour not in _CHANNELS or interlace != 0:
        raise ValueError(
            f"{path}: unsupported PNG (depth {depth}, colour type {colour}, interlaced {interlace})"
        )
    channels = _CHANNELS[colour]
    rows = _unfilter(zlib.decompress(bytes(compressed)), width * channels, height, channels)
    return rows.reshape(height, width, channels)


def _unfilter(raw: bytes, stride: int, height: int, bpp: int) -> npt.NDArray[np.uint8]:
    if len(raw) != height * (stride + 1):
        raise ValueError(f"PNG data is {len(raw)} bytes, expected {height * (stride + 1)}")
    out = np.zeros((height, stride), dtype=np.uint8)
    previous = np.zeros(stride, dtype=np.uint8)
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        line = np.frombuffer(raw, dtype=np.uint8, count=stride, offset=start + 1)
        if kind == 0:  # None
            row = line.copy()
        elif kind == 1:  # Sub: a running sum per channel, modulo 256 (uint8 wraps)
            row = np.cumsum(line.reshape(-1, bpp), axis=0, dtype=np.uint8).reshape(-1)
        elif kind == 2:  # Up
            row = line + previous
        elif kind in (3, 4):  # Average, Paeth
            row = np.frombuffer(_average_or_paeth(kind, line.tobytes(), previous.tobytes(), bpp), np.uint8)
        else:
            raise ValueError(f"PNG row {y}: unknown filter type {kind}")
        out[y] = row
        previous = out[y]
    return out


def _average_or_paeth(kind: int, line: bytes, up: bytes, bpp: int) -> bytes:
    row = bytearray(line)
    for i in range(len(row)):
        left = row[i - bpp] if i >= bpp else 0
        above = up[i]
        if kind == 3:
            row[i] = (row[i] + ((left + above) >> 1)) & 0xFF
            continue
        corner = up[i - bpp] if i >= bpp else 0
        estimate = left + above - corner
        to_left, to_above, to_corner = abs(estimate - left), abs(estimate - above), abs(estimate - corner)
        if to_left <= to_above and to_left <= to_corner:
            predictor = left
        elif to_above <= to_corner:
            predictor = above
        else:
            predictor = corner
        row[i] = (row[i] + predictor) & 0xFF
    return bytes(row)
