"""Resolve source coordinate reference systems and reproject to WGS 84 with pyproj.

VN-2000 (EPSG:4756) and its projected zones (UTM 48N/49N EPSG:3405/3406,
TM-3 zones EPSG:5896-5899 and 9205-9218) reach WGS 84 through the EPSG
database's "VN-2000 to WGS 84 (2)" transformation, whose seven parameters are
the ones below. A definition that carries +towgs84/TOWGS84 uses its own
parameters. A definition without a datum shift is accepted only when its
projection parameters identify a VN-2000 zone (WGS 84 ellipsoid, scale factor
0.9999), and is then read as that EPSG zone.

Any other CRS with no known way to WGS 84 (PROJ offers only a "ballpark"
offset, which can be hundreds of metres off) is rejected with CRSError
rather than drawn in the wrong place.
"""

from __future__ import annotations

import warnings

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError as PyprojCRSError
from pyproj.transformer import TransformerGroup
from shapely.geometry.base import BaseGeometry

# Seven-parameter Helmert shift from VN-2000 to WGS 84 (dX, dY, dZ in metres,
# rX, rY, rZ in arc-seconds, scale in ppm), as in EPSG transformation
# "VN-2000 to WGS 84 (2)" of the PROJ database shipped with pyproj 3.7.2, which
# applies them in the coordinate-frame convention. PROJ reads a +towgs84 with
# these numbers in the position-vector convention, about 0.7 m away.
VN2000_TOWGS84 = (
    -191.90441429, -39.30318279, -111.45032835,
    -0.00928836, 0.01975479, -0.00427372, 0.252906278,
)
VN2000_DATUM = "Vietnam 2000"
WGS84 = CRS.from_epsg(4326)


class CRSError(ValueError):
    """A coordinate reference system that cannot be used."""


def _is_vn2000_code(code: int | None) -> bool:
    if code is None:
        return False
    try:
        return CRS.from_epsg(code).datum.name == VN2000_DATUM
    except PyprojCRSError:
        return False


def _has_datum_shift(crs: CRS) -> bool:
    """Tell whether PROJ knows a transformation to WGS 84 better than a ballpark offset."""
    group = TransformerGroup(crs, WGS84, always_xy=True)
    if not group.transformers:
        return False
    return "Ballpark" not in group.transformers[0].description


def resolve_crs(definition: str) -> CRS:
    """Return the CRS named by DEFINITION: an EPSG code, a URN, WKT (a .prj) or a PROJ string.

    Raises CRSError when it cannot be parsed, is not geographic or projected,
    or has no known datum shift to WGS 84.
    """
    text = (definition or "").strip()
    if not text:
        raise CRSError("No CRS given: add a .prj file or name the CRS, e.g. EPSG:9210.")
    if text.isdigit():
        text = f"EPSG:{text}"
    try:
        crs = CRS.from_user_input(text)
    except PyprojCRSError as error:
        raise CRSError(f"Unknown CRS {definition[:200]!r}: {error}.") from None
    if not (crs.is_geographic or crs.is_projected):
        raise CRSError(
            f"Unsupported CRS {crs.name!r} ({crs.type_name}): only geographic and "
            "projected CRSs can be placed on the map."
        )
    if _has_datum_shift(crs):
        return crs
    matched = crs.to_epsg(min_confidence=70)
    if _is_vn2000_code(matched):
        return CRS.from_epsg(matched)
    raise CRSError(
        f"Unknown datum in CRS {crs.name!r}: there is no known transformation to WGS 84. "
        "Use an EPSG code (e.g. EPSG:9210 for VN-2000 / TM-3 105-45) or add TOWGS84 "
        "parameters to the .prj."
    )


def describe_crs(crs: CRS) -> str:
    """Return the label recorded in a dossier's source_crs, e.g. "EPSG:9210 (VN-2000 / TM-3 105-45)"."""
    code = crs.to_epsg(min_confidence=100)
    if code:
        return f"EPSG:{code} ({crs.name})"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return f"{crs.name}: {crs.to_proj4()}"


def to_wgs84(geometry: BaseGeometry, crs: CRS) -> BaseGeometry:
    """Reproject GEOMETRY from CRS to WGS 84 longitude, latitude."""
    if crs.equals(WGS84, ignore_axis_order=True):
        return geometry
    transformer = Transformer.from_crs(crs, WGS84, always_xy=True)

    def transform(coords: np.ndarray) -> np.ndarray:
        lon, lat = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    result = shapely.transform(geometry, transform)
    if not np.isfinite(shapely.get_coordinates(result)).all():
        raise CRSError(
            f"Coordinates do not fit CRS {crs.name!r}: some fall outside its area. "
            "Check that the .prj matches the data."
        )
    return result
