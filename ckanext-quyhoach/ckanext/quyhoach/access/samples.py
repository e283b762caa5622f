"""Labelled sample material that shows the access rules in the demo catalogue.

`create_samples()` creates, once, a restricted dossier and a public dossier
whose map is restricted, both owned by the Ministry of Finance and marked
"[MẪU / SAMPLE]" in their titles so they are not mistaken for real plans. It is
idempotent: dossiers that already exist are left alone.
"""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import ckan.plugins.toolkit as tk
from werkzeug.datastructures import FileStorage

from ckanext.quyhoach import agencies, catalogue

log = logging.getLogger(__name__)

SAMPLE_PREFIX = "[MẪU / SAMPLE]"
OWNER = agencies.MINISTRIES["finance"]
RESTRICTED_NAME = "mau-ho-so-han-che"
PUBLIC_NAME = "mau-ho-so-cong-khai-ban-do-han-che"
# A made-up zoning map: one square on open land, not any real plan's content.
SAMPLE_MAP = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"ten": "Khu vực mẫu (không có thật)", "sample": True},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[105.80, 21.00], [105.82, 21.00], [105.82, 21.02], [105.80, 21.02], [105.80, 21.00]]],
            },
        }
    ],
}


def _base(name: str, title: str, level: str) -> dict[str, Any]:
    return {
        "type": catalogue.DATASET_TYPE,
        "name": name,
        "title": f"{SAMPLE_PREFIX} {title}",
        "owner_org": OWNER.name,
        "notes": "Dữ liệu mẫu để minh họa quy tắc truy cập; không phải quy hoạch thật. "
        "Sample data that shows the access rules; not a real plan.",
        "plan_level": "technical_sectoral",
        "plan_type": "technical_sectoral",
        "decision_number": "000/QĐ-MAU",
        "decision_date": "2025-01-01",
        "approving_authority": "Mẫu (Sample)",
        "legal_status": "in_force",
        "secrecy_level": level,
        "gis_status": "partial",
        "tag_string": "mau-sample",
    }


def _map_upload() -> FileStorage:
    content = json.dumps(SAMPLE_MAP, ensure_ascii=False).encode("utf-8")
    return FileStorage(stream=io.BytesIO(content), filename="Bản đồ khu vực mẫu.geojson", content_type="application/geo+json")


def _restricted_dossier() -> dict[str, Any]:
    dossier = _base(RESTRICTED_NAME, "Hồ sơ quy hoạch chưa công bố (hạn chế)", "restricted")
    dossier["resources"] = [
        {
            "name": "Tờ trình (mẫu)",
            "url": "https://example.invalid/mau/to-trinh.pdf",
            "format": "PDF",
            "document_role": "submission",
            "secrecy_level": "restricted",
        }
    ]
    return dossier


def _public_dossier() -> dict[str, Any]:
    dossier = _base(PUBLIC_NAME, "Hồ sơ công khai có bản đồ hạn chế", "public")
    dossier["resources"] = [
        {
            "name": "Quyết định phê duyệt (mẫu)",
            "url": "https://example.invalid/mau/quyet-dinh.pdf",
            "format": "PDF",
            "document_role": "decision",
            "secrecy_level": "public",
        }
    ]
    return dossier


def _exists(name: str) -> bool:
    try:
        tk.get_action("package_show")({"ignore_auth": True}, {"id": name})
    except tk.ObjectNotFound:
        return False
    return True


def create_samples() -> list[str]:
    """Create the sample dossiers that do not exist yet; return the names created."""
    catalogue.ensure_agency(OWNER)
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    created = []
    for dossier in (_restricted_dossier(), _public_dossier()):
        if _exists(dossier["name"]):
            continue
        context = {"user": site_user["name"], "ignore_auth": True}
        pkg = tk.get_action("package_create")(context, dossier)
        created.append(pkg["name"])
        if dossier["name"] == PUBLIC_NAME:
            tk.get_action("resource_create")(
                {"user": site_user["name"], "ignore_auth": True},
                {
                    "package_id": pkg["id"],
                    "name": "Bản đồ quy hoạch (mẫu, hạn chế)",
                    "format": "GeoJSON",
                    "document_role": "map",
                    "secrecy_level": "restricted",
                    "upload": _map_upload(),
                },
            )
    log.info("Access samples: %d created, %d already present", len(created), 2 - len(created))
    return created


__all__ = ["create_samples", "SAMPLE_PREFIX", "RESTRICTED_NAME", "PUBLIC_NAME"]
