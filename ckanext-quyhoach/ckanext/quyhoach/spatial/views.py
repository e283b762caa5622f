"""Pages of the quyhoach_spatial plugin: "which plans apply here"."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint

blueprint = Blueprint("quyhoach_spatial", __name__)


def plans_at_point() -> Any:
    """Show the map to pick a point, and the dossiers whose extent contains it."""
    lon = tk.request.args.get("lon", "").strip()
    lat = tk.request.args.get("lat", "").strip()
    date = tk.request.args.get("date", "").strip()
    extra_vars: dict[str, Any] = {"lon": lon, "lat": lat, "date": date, "result": None, "errors": {}}
    if lon or lat:
        try:
            extra_vars["result"] = tk.get_action("quyhoach_plans_at_point")(
                {"user": tk.g.user},
                {"lon": lon, "lat": lat, "date": date or None},
            )
        except tk.ValidationError as error:
            extra_vars["errors"] = error.error_dict
    return tk.render("quyhoach/spatial/point.html", extra_vars=extra_vars)


blueprint.add_url_rule("/quy-hoach-tai-diem", view_func=plans_at_point, endpoint="point")
