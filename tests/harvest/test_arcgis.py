"""The ArcGIS REST harvester on stored service responses served on 127.0.0.1."""

from __future__ import annotations

import json

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.harvest.model import HarvestObject

from ckanext.quyhoach.harvesters.arcgis import extent_to_wgs84

from .conftest import create_source, run_job

pytestmark = [
    pytest.mark.ckan_config("ckanext.quyhoach.harvest.allow_private_addresses", "true"),
    pytest.mark.usefixtures("clean_db", "clean_index"),
]

CONFIG = {
    "defaults": {
        "plan_level": "provincial",
        "plan_type": "provincial",
        "province_codes": ["15"],
        "decision_number": "316/QĐ-TTg",
        "decision_date": "2023-03-29",
        "approving_authority": "Thủ tướng Chính phủ",
        "legal_status": "in_force",
    },
}
MAP_SERVICE = "QuyHoach/QH_Tinh_LaoCai/MapServer"


def _dossier(source, guid):
    obj = model.Session.query(HarvestObject).filter_by(harvest_source_id=source["id"], guid=guid, current=True).one()
    return tk.get_action("package_show")({"ignore_auth": True}, {"id": obj.package_id})


@pytest.fixture
def source(agency, remote_server):
    return create_source(
        agency, "arcgis-lao-cai", remote_server.url + "/arcgis/rest/services", "quyhoach_arcgis", dict(CONFIG, folders=["QuyHoach"])
    )


class TestArcgis:
    def test_counts(self, source):
        report = run_job(source)
        assert (report["expected"], report["created"], report["errored"]) == (2, 2, 0)

    def test_root_listing_skips_other_types(self, agency, remote_server):
        source = create_source(agency, "arcgis-tat-ca", remote_server.url + "/arcgis/rest/services", "quyhoach_arcgis", CONFIG)
        report = run_job(source)
        assert report["expected"] == 3

    def test_title_from_document_info(self, source):
        run_job(source)
        assert _dossier(source, MAP_SERVICE)["title"] == "Quy hoạch tỉnh Lào Cai thời kỳ 2021 - 2030"

    def test_source_crs_from_spatial_reference(self, source):
        run_job(source)
        assert _dossier(source, MAP_SERVICE)["source_crs"] == "EPSG:3405"

    def test_extent_in_wgs84(self, source):
        run_job(source)
        ring = json.loads(_dossier(source, MAP_SERVICE)["spatial"])["coordinates"][0]
        bounds = [min(x for x, _ in ring), min(y for _, y in ring), max(x for x, _ in ring), max(y for _, y in ring)]
        assert bounds == pytest.approx([103.0525, 21.33, 104.6161, 22.8764], abs=0.01)

    def test_layers_become_resources(self, source):
        run_job(source)
        names = [r["name"] for r in _dossier(source, MAP_SERVICE)["resources"]]
        assert names == [MAP_SERVICE, "Ranh giới hành chính", "Phương án sử dụng đất"]

    def test_remote_url_is_service(self, source, remote_server):
        run_job(source)
        assert _dossier(source, MAP_SERVICE)["harvest_remote_url"] == f"{remote_server.url}/arcgis/rest/services/{MAP_SERVICE}"

    def test_reharvest_unchanged_by_hash(self, source):
        run_job(source)
        report = run_job(source)
        assert (report["unchanged"], report["updated"]) == (2, 0)

    def test_error_response_fails_job(self, agency, remote_server):
        remote_server.put("/loi/rest/services", '{"error": {"code": 499, "message": "Token Required"}}')
        source = create_source(agency, "arcgis-loi", remote_server.url + "/loi/rest/services", "quyhoach_arcgis", CONFIG)
        assert "Token Required" in run_job(source)["gather_errors"][0]


class TestExtent:
    @pytest.mark.parametrize(
        ("extent", "west"),
        [
            pytest.param({"xmin": 103.5, "ymin": 21.3, "xmax": 105.1, "ymax": 22.8, "spatialReference": {"wkid": 4326}}, 103.5, id="wgs84"),
            pytest.param({"xmin": 11470000, "ymin": 2480000, "xmax": 11700000, "ymax": 2620000, "spatialReference": {"wkid": 102100, "latestWkid": 3857}}, 103.0368, id="web-mercator"),
            pytest.param({"xmin": 300000, "ymin": 2360000, "xmax": 460000, "ymax": 2530000, "spatialReference": {"wkid": 3405}}, 103.0525, id="vn2000-utm48"),
        ],
    )
    def test_projected(self, extent, west):
        assert extent_to_wgs84(extent)["coordinates"][0][0][0] == pytest.approx(west, abs=0.001)

    def test_empty_extent_none(self):
        assert extent_to_wgs84({"xmin": "NaN", "ymin": 0, "xmax": 0, "ymax": 0}) is None
