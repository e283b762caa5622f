"""The CSW harvester against pycsw serving ISO 19139 records with Vietnamese text."""

from __future__ import annotations

import json

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.harvest.model import HarvestObject

from .conftest import create_source, run_job

pytestmark = [
    pytest.mark.ckan_config("ckanext.quyhoach.harvest.allow_private_addresses", "true"),
    pytest.mark.usefixtures("clean_db", "clean_index"),
]

CONFIG = {
    "field_map": {"identifier": "decision_number", "date_publication": "decision_date"},
    "defaults": {
        "plan_level": "provincial",
        "plan_type": "provincial",
        "approving_authority": "Thủ tướng Chính phủ",
        "legal_status": "in_force",
    },
    "tag_map": {"Lào Cai": {"province_codes": "15"}, "Đồng Nai": {"province_codes": "75"}},
    "category_map": {"planningCadastre": {"gis_status": "partial"}},
    "max_records": 1,
}
LAO_CAI = "vn-qh-lao-cai-2021-2030"


def _dossier(source, guid):
    obj = model.Session.query(HarvestObject).filter_by(harvest_source_id=source["id"], guid=guid, current=True).one()
    return tk.get_action("package_show")({"ignore_auth": True}, {"id": obj.package_id})


@pytest.fixture
def source(agency, pycsw):
    return create_source(agency, "csw-tinh", pycsw, "quyhoach_csw", CONFIG)


class TestCsw:
    def test_counts_over_pages(self, source):
        report = run_job(source)
        assert (report["expected"], report["received"], report["created"]) == (2, 2, 2)

    def test_vietnamese_title(self, source):
        run_job(source)
        assert _dossier(source, LAO_CAI)["title"] == "Quy hoạch tỉnh Lào Cai thời kỳ 2021 - 2030, tầm nhìn đến năm 2050"

    def test_abstract_to_notes(self, source):
        run_job(source)
        assert _dossier(source, LAO_CAI)["notes"].startswith("Bản đồ và cơ sở dữ liệu quy hoạch tỉnh Lào Cai")

    def test_decision_from_citation(self, source):
        run_job(source)
        dossier = _dossier(source, LAO_CAI)
        assert (dossier["decision_number"], dossier["decision_date"]) == ("316/QĐ-TTg", "2023-03-29")

    def test_keyword_mapped_to_province(self, source):
        run_job(source)
        assert _dossier(source, "vn-qh-dong-nai-2021-2030")["province_codes"] == ["75"]

    def test_topic_category_mapped(self, source):
        run_job(source)
        assert _dossier(source, LAO_CAI)["gis_status"] == "partial"

    def test_bbox_to_spatial(self, source):
        run_job(source)
        ring = json.loads(_dossier(source, LAO_CAI)["spatial"])["coordinates"][0]
        assert (min(x for x, _ in ring), max(y for _, y in ring)) == (103.5253, 22.8459)

    def test_reference_system_to_crs(self, source):
        run_job(source)
        assert _dossier(source, LAO_CAI)["source_crs"] == "EPSG:9210"

    def test_online_resource_copied(self, source):
        run_job(source)
        resource = _dossier(source, LAO_CAI)["resources"][0]
        assert (resource["name"], resource["format"]) == ("Bản đồ quy hoạch tỉnh Lào Cai", "OGC:WMS")

    def test_remote_url_is_get_record_by_id(self, source, pycsw):
        run_job(source)
        assert _dossier(source, LAO_CAI)["harvest_remote_url"].startswith(pycsw + "?service=CSW")

    def test_reharvest_skips_by_datestamp(self, source):
        run_job(source)
        report = run_job(source)
        assert (report["unchanged"], report["updated"], report["progress"]["total"]) == (2, 0, 2)
