"""Parse and normalise bounding boxes given to search ("west,south,east,north").

Rules, following RFC 7946 section 5.2 for boxes across the antimeridian:

* south greater than north with west greater than east: the corners were
  given the wrong way round, so both pairs are swapped;
* south greater than north alone: the latitudes are swapped;
* west greater than east alone: the box crosses the antimeridian;
* longitudes past 180 (as a map panned across the antimeridian sends them)
  are shifted into -180..180; a box 360 degrees wide or wider covers every
  longitude;
* latitudes outside -90..90, a wrong number of values or a non-number are
  rejected with BBoxError. Latitudes are never wrapped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from shapely.geometry import box
from shapely.geometry.base import BaseGeometry


class BBoxError(ValueError):
    """A bounding box that cannot be normalised."""


@dataclass(frozen=True)
class BBox:
    west: float
    south: float
    east: float
    north: float

    @property
    def crosses_antimeridian(self) -> bool:
        return self.west > self.east

    def solr_envelope(self) -> str:
        """Return the box as Spatial4j's ENVELOPE(minX, maxX, maxY, minY).

        With geo="true", a minX greater than maxX crosses the antimeridian.
        """
        return f"ENVELOPE({self.west}, {self.east}, {self.north}, {self.south})"

    def to_geometry(self) -> BaseGeometry:
        if not self.crosses_antimeridian:
            return box(self.west, self.south, self.east, self.north)
        return box(self.west, self.south, 180, self.north).union(
            box(-180, self.south, self.east, self.north)
        )

    def as_param(self) -> str:
        return f"{self.west},{self.south},{self.east},{self.north}"


def _wrap_longitude(value: float) -> float:
    wrapped = (value + 180.0) % 360.0 - 180.0
    # Keep 180 as 180 rather than -180, so a box ending on the antimeridian stays east.
    return 180.0 if wrapped == -180.0 and value > 0 else wrapped


def _numbers(value: str | list | tuple) -> list[float]:
    parts = value.split(",") if isinstance(value, str) else list(value)
    if len(parts) != 4:
        raise BBoxError(
            f"Invalid bbox {value!r}: expected 4 numbers west,south,east,north "
            "in WGS 84 degrees, e.g. 105.28,20.56,106.02,21.39."
        )
    numbers = []
    for part in parts:
        try:
            number = float(part)
        except (TypeError, ValueError):
            raise BBoxError(f"Invalid bbox {value!r}: {part!r} is not a number.") from None
        if not math.isfinite(number):
            raise BBoxError(f"Invalid bbox {value!r}: {part!r} is not finite.")
        numbers.append(number)
    return numbers


def parse_bbox(value: str | list | tuple) -> BBox:
    """Parse VALUE into a normalised BBox, or raise BBoxError naming the problem."""
    west, south, east, north = _numbers(value)
    for latitude in (south, north):
        if not -90 <= latitude <= 90:
            raise BBoxError(
                f"Invalid bbox {value!r}: latitude {latitude} is outside -90..90. "
                "The order is west,south,east,north (longitude first)."
            )
    if south > north:
        south, north = north, south
        if west > east:
            west, east = east, west
    if east - west >= 360:
        return BBox(-180.0, south, 180.0, north)
    if west > east and (west > 180 or east < -180):
        raise BBoxError(
            f"Invalid bbox {value!r}: west {west} is greater than east {east} and outside "
            "-180..180. Give west,south,east,north with west < east."
        )
    return BBox(_wrap_longitude(west), south, _wrap_longitude(east), north)
