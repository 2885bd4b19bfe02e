"""The index's grid: the Earth's surface, in 3-D, cut into cubes of ``2 x PLACE_NEAR_KM``.

A resolved place is posted under the 8 cells nearest to it (``near_cells``) and a query reads the
cell of its own place (``cell``): two places within ``PLACE_NEAR_KM`` of each other always meet.
"""

from __future__ import annotations

import itertools
import math

from .features import PLACE_NEAR_KM
from .mentions import EARTH_RADIUS_KM

__all__ = ["cell", "near_cells"]

_CELL_KM = 2 * PLACE_NEAR_KM


def _xyz(point: tuple[float, float]) -> tuple[float, float, float]:
    """A point of the Earth's surface in 3-D, in cell widths."""
    lat, lon = math.radians(point[0]), math.radians(point[1])
    scale = EARTH_RADIUS_KM / _CELL_KM
    return (
        scale * math.cos(lat) * math.cos(lon),
        scale * math.cos(lat) * math.sin(lon),
        scale * math.sin(lat),
    )


def cell(point: tuple[float, float]) -> tuple[int, int, int]:
    """The cell ``point`` lies in."""
    x, y, z = _xyz(point)
    return math.floor(x), math.floor(y), math.floor(z)


def near_cells(point: tuple[float, float]) -> list[tuple[int, int, int]]:
    """The 8 cells nearest to ``point``: in each axis its own and the neighbour on its nearer side.
    A point within half a cell (``PLACE_NEAR_KM``) of it, in a straight line and so on the surface,
    lies in one of them."""
    axes = []
    for c in _xyz(point):
        own = math.floor(c)
        axes.append((own, own + 1 if c - own >= 0.5 else own - 1))
    return [(x, y, z) for x, y, z in itertools.product(*axes)]
