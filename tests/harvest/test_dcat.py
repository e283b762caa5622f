"""The DCAT harvester on stored Turtle and JSON-LD catalogues served on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.harvest.model import HarvestObject

from .conftest import create_source, run_job
from .test_base import DCAT_CONFIG

DATA = Path(__file__).parent / "data" / "dcat"

pytestmark = [
    pytest.mark.ckan_config("ckanext.quyhoach.harvest.allow_private_addresses", "true"),
    pytest.mark.usefixtures("clean_db", "clean_index"),
]


def _dossier(source, guid):
    obj = model.Session.query(HarvestObject).filter_by(harvest_source_id=source["id"], guid=guid, current=True).one()
    return tk.get_action("package_show")({"ignore_auth": True}, {"id": obj.package_id})


@pytest.fixture
def turtle_source(agency, remote_server):
    return create_source(agency, "dcat-lao-cai", remote_server.url + "/dcat/catalog.ttl", "quyhoach_dcat", DCAT_CONFIG)


class TestDcatTurtle:
    def test_counts(self, turtle_source):
        report = run_job(turtle_source)
        assert (report["expected"], report["created"], report["errored"]) == (3, 2, 1)

    def test_title_in_vietnamese(self, turtle_source):
        run_job(turtle_source)
        assert _dossier(turtle_source, "316/QĐ-TTg")["title"] == "Quy hoạch tỉnh Lào Cai thời kỳ 2021 - 2030, tầm nhìn đến năm 2050"

    def test_field_map_applied(self, turtle_source):
        run_job(turtle_source)
        dossier = _dossier(turtle_source, "316/QĐ-TTg")
        assert (dossier["decision_number"], dossier["decision_date"]) == ("316/QĐ-TTg", "2023-03-29")

    def test_tag_map_applied(self, turtle_source):
        run_job(turtle_source)
        dossier = _dossier(turtle_source, "1241/QĐ-UBND")
        assert (dossier["plan_level"], dossier["plan_type"]) == ("urban", "urban_general")

    def test_distribution_becomes_resource(self, turtle_source):
        run_job(turtle_source)
        resource = _dossier(turtle_source, "316/QĐ-TTg")["resources"][0]
        assert resource["url"] == "https://data.laocai.example.vn/files/qd-316.pdf"

    def test_untitled_record_reported(self, turtle_source):
        error = run_job(turtle_source)["record_errors"][0]
        assert error["guid"] == "LC-KHONG-TEN"
        assert error["remote_url"] == "https://data.laocai.example.vn/dataset/khong-ten"
        assert "no dct:title" in error["message"]

    def test_reharvest_unchanged(self, turtle_source):
        run_job(turtle_source)
        report = run_job(turtle_source)
        assert (report["unchanged"], report["created"], report["updated"]) == (2, 0, 0)


class TestDcatJsonLd:
    def test_created(self, agency, remote_server):
        source = create_source(agency, "dcat-dong-nai", remote_server.url + "/dcat/catalog.jsonld", "quyhoach_dcat", DCAT_CONFIG)
        run_job(source)
        assert _dossier(source, "586/QĐ-TTg")["province_codes"] == ["75"]

    def test_removed_dataset_withdrawn(self, agency, remote_server):
        document = json.loads((DATA / "catalog.jsonld").read_text("utf-8"))
        url = remote_server.put("/dcat/rut.jsonld", json.dumps(document), "application/ld+json")
        source = create_source(agency, "dcat-rut", url, "quyhoach_dcat", DCAT_CONFIG)
        run_job(source)
        document["@graph"] = []
        remote_server.put("/dcat/rut.jsonld", json.dumps(document), "application/ld+json")
        assert run_job(source)["withdrawn"] == 1
