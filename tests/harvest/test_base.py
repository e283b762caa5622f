"""Shared behaviour of every harvester: config validation, address checks,
download limits and job failures, against local servers on 127.0.0.1."""

from __future__ import annotations

import json

import pytest

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.quyhoach.harvesters import http
from ckanext.quyhoach.harvesters.mapping import MappingError, parse

from .conftest import create_source, run_job
from .servers import MULTIBYTE_TEXT

ALLOW = pytest.mark.ckan_config("ckanext.quyhoach.harvest.allow_private_addresses", "true")


@pytest.mark.usefixtures("clean_db")
class TestMappingConfig:
    @pytest.mark.parametrize(
        ("config", "key"),
        [
            pytest.param({"defaults": {"plan_level": "tinh"}}, "defaults.plan_level", id="bad-choice"),
            pytest.param({"defaults": {"muc_do": "x"}}, "defaults.muc_do", id="unknown-field"),
            pytest.param({"defaults": {"name": "x"}}, "defaults.name", id="reserved-field"),
            pytest.param({"field_map": {"loai": "loai_qh"}}, "field_map.loai", id="map-to-unknown"),
            pytest.param({"value_map": {"plan_type": {"Tỉnh": "tinh"}}}, "value_map.plan_type.Tỉnh", id="value-not-choice"),
            pytest.param({"tag_map": {"đô thị": {"plan_level": "city"}}}, "tag_map.đô thị.plan_level", id="tag-bad-choice"),
            pytest.param({"category_map": ["x"]}, "category_map", id="category-not-object"),
            pytest.param({"owner_org": "khong-co"}, "owner_org", id="unknown-agency"),
            pytest.param({"fq": 5}, "fq", id="protocol-key-type"),
            pytest.param({"bogus": 1}, "bogus", id="unknown-key"),
        ],
    )
    def test_error_names_key(self, config, key):
        from ckanext.quyhoach.harvesters.ckan import CkanHarvester

        with pytest.raises(MappingError) as error:
            parse(json.dumps(config), CkanHarvester.config_keys)
        assert str(error.value).startswith(f"{key}:")

    def test_invalid_json_rejected(self):
        with pytest.raises(MappingError, match="^config: invalid JSON"):
            parse("{not json")

    def test_valid_config_parsed(self):
        settings = parse(json.dumps({"defaults": {"plan_level": "provincial"}, "tag_map": {"đô thị": {"plan_level": "urban"}}}))
        assert settings.tag_map["đô thị"]["plan_level"] == "urban"

    def test_source_save_rejects_bad_config(self, agency):
        with pytest.raises(tk.ValidationError) as error:
            create_source(agency, "nguon-sai", "https://data.example.vn", "quyhoach_ckan", {"defaults": {"plan_level": "tinh"}})
        assert "defaults.plan_level" in str(error.value.error_dict["config"])


class TestAddressCheck:
    @pytest.mark.parametrize(
        "url",
        [
            pytest.param("http://127.0.0.1:5106/", id="loopback"),
            pytest.param("http://10.1.2.3/", id="private-10"),
            pytest.param("http://192.168.1.10/", id="private-192"),
            pytest.param("http://172.16.0.5/", id="private-172"),
            pytest.param("http://169.254.169.254/latest", id="link-local-metadata"),
            pytest.param("http://[::1]/", id="ipv6-loopback"),
            pytest.param("http://[fd00::1]/", id="ipv6-unique-local"),
            pytest.param("http://0.0.0.0/", id="unspecified"),
        ],
    )
    def test_private_address_rejected(self, url):
        with pytest.raises(http.FetchError, match="private or loopback"):
            http.check_url(url, allow_private=False)

    @pytest.mark.parametrize("url", ["ftp://example.org/x", "file:///etc/passwd", "data.example.vn/api"])
    def test_non_http_rejected(self, url):
        with pytest.raises(http.FetchError, match="use an http"):
            http.check_url(url, allow_private=False)

    def test_public_address_accepted(self):
        assert http.check_url("http://203.113.131.1/", allow_private=False) is None

    def test_allowed_by_option(self):
        assert http.check_url("http://127.0.0.1:5106/", allow_private=True) is None

    @pytest.mark.usefixtures("clean_db", "clean_index")
    def test_job_fails_on_loopback_source(self, agency, remote_server):
        source = create_source(agency, "nguon-noi-bo", remote_server.url + "/api", "quyhoach_ckan")
        report = run_job(source)
        assert "private or loopback" in report["gather_errors"][0]

    @ALLOW
    def test_redirect_checked_each_hop(self, remote_server, monkeypatch):
        checked = []
        real_check = http.check_url
        monkeypatch.setattr(http, "check_url", lambda url, allow=None: checked.append(url) or real_check(url, allow))
        http.fetch(remote_server.url + f"/redirect?to={remote_server.url}/dcat/catalog.jsonld")
        assert checked[-1] == f"{remote_server.url}/dcat/catalog.jsonld"


@ALLOW
class TestDownload:
    @pytest.mark.ckan_config("ckanext.quyhoach.harvest.timeout", "1")
    def test_hanging_server_times_out(self, remote_server):
        with pytest.raises(http.FetchError, match="Timed out"):
            http.fetch(remote_server.url + "/hang")

    def test_truncated_response_rejected(self, remote_server):
        with pytest.raises(http.FetchError, match="failed"):
            http.fetch(remote_server.url + "/truncate")

    def test_garbage_is_invalid_json(self, remote_server):
        with pytest.raises(http.FetchError, match="Invalid JSON"):
            http.fetch(remote_server.url + "/garbage").json()

    @pytest.mark.ckan_config("ckanext.quyhoach.harvest.max_response_bytes", "1000")
    def test_oversize_rejected(self, remote_server):
        with pytest.raises(http.FetchError, match="over the limit of 1000 bytes"):
            http.fetch(remote_server.url + "/big?size=5000")

    def test_oversize_without_length_rejected(self):
        with pytest.raises(http.FetchError, match="limit of 1000 bytes"):
            http._read_body(_ChunkedResponse(b"x" * 5000), "http://127.0.0.1:5106/x", 1000, float("inf"))

    def test_multibyte_split_decodes(self, remote_server, monkeypatch):
        monkeypatch.setattr(http, "CHUNK_BYTES", 1)
        assert http.fetch(remote_server.url + "/multibyte").json()["title"] == MULTIBYTE_TEXT

    def test_http_error_reported(self, remote_server):
        with pytest.raises(http.FetchError, match="HTTP 404"):
            http.fetch(remote_server.url + "/khong-co")


class _ChunkedResponse:
    """A requests-like response without Content-Length whose body arrives in 100-byte chunks."""

    headers: dict = {}

    def __init__(self, body: bytes):
        self.body = body

    def iter_content(self, size):
        for start in range(0, len(self.body), 100):
            yield self.body[start : start + 100]


@ALLOW
@pytest.mark.usefixtures("clean_db", "clean_index")
class TestJobFaults:
    @pytest.mark.ckan_config("ckanext.quyhoach.harvest.timeout", "1")
    def test_hanging_source_fails_job(self, agency, remote_server):
        source = create_source(agency, "nguon-treo", remote_server.url + "/hang", "quyhoach_dcat")
        report = run_job(source)
        assert "Timed out" in report["gather_errors"][0]

    @pytest.mark.ckan_config("ckanext.quyhoach.harvest.timeout", "1")
    def test_hanging_job_finished(self, agency, remote_server):
        from ckanext.harvest.model import HarvestJob

        source = create_source(agency, "nguon-treo", remote_server.url + "/hang", "quyhoach_dcat")
        report = run_job(source)
        assert model.Session.get(HarvestJob, report["job_id"]).status == "Finished"

    @pytest.mark.ckan_config("ckanext.quyhoach.harvest.timeout", "1")
    def test_next_job_runs_after_timeout(self, agency, remote_server):
        hanging = create_source(agency, "nguon-treo", remote_server.url + "/hang", "quyhoach_dcat")
        run_job(hanging)
        working = create_source(
            agency, "nguon-dcat", remote_server.url + "/dcat/catalog.jsonld", "quyhoach_dcat", DCAT_CONFIG
        )
        report = run_job(working)
        assert report["created"] == 1

    def test_garbage_source_fails_job(self, agency, remote_server):
        remote_server.put("/rac/api/3/action/package_search", b"\x00\xff<<not json>>")
        source = create_source(agency, "nguon-rac", remote_server.url + "/rac", "quyhoach_ckan")
        report = run_job(source)
        assert "Invalid JSON" in report["gather_errors"][0]

    @pytest.mark.ckan_config("ckanext.quyhoach.harvest.max_response_bytes", "1000")
    def test_oversize_source_fails_job(self, agency, remote_server):
        remote_server.put("/lon/api/3/action/package_search", b'{"pad": "' + b"x" * 5000 + b'"}')
        source = create_source(agency, "nguon-lon", remote_server.url + "/lon", "quyhoach_ckan")
        report = run_job(source)
        assert "over the limit of 1000 bytes" in report["gather_errors"][0]


DCAT_CONFIG = {
    "field_map": {"identifier": "decision_number", "issued": "decision_date"},
    "defaults": {
        "plan_level": "provincial",
        "plan_type": "provincial",
        "legal_status": "in_force",
        "approving_authority": "Thủ tướng Chính phủ",
    },
    "tag_map": {
        "Đồng Nai": {"province_codes": "75"},
        "Lào Cai": {"province_codes": "15"},
        "quy hoạch đô thị": {
            "plan_level": "urban",
            "plan_type": "urban_general",
            "province_codes": "15",
            "approving_authority": "Ủy ban nhân dân tỉnh Lào Cai",
        },
    },
}
