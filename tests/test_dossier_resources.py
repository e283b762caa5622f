"""Dossier resources: upload checks, SHA-256, and the statutory completeness check."""

from __future__ import annotations

import hashlib
import json

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
GEOJSON = json.dumps(
    {"type": "Polygon", "coordinates": [[[104, 22], [105, 22], [105, 23], [104, 22]]]}
)


@pytest.fixture
def sysadmin():
    return factories.Sysadmin()


@pytest.fixture
def dossier(clean_db, clean_index, sysadmin):
    agency = factories.Organization(agency_kind="other")
    return helpers.call_action(
        "package_create",
        context={"user": sysadmin["name"]},
        type="ho-so-quy-hoach", name="lao-cai", title="Quy hoạch tỉnh Lào Cai",
        owner_org=agency["id"], plan_level="provincial", plan_type="provincial",
        province_codes=["10"], decision_number="1597/QĐ-TTg", decision_date="2023-12-14",
        approving_authority="Thủ tướng Chính phủ", legal_status="in_force",
    )


@pytest.fixture
def upload(create_with_upload, dossier, sysadmin):
    def factory(data, filename, **fields):
        fields.setdefault("document_role", "decision")
        return create_with_upload(
            data, filename, context={"user": sysadmin["name"]},
            package_id=dossier["id"], url="", **fields,
        )

    return factory


class TestUploadChecks:
    def test_sha256_computed_on_upload(self, upload):
        resource = upload(PDF, "quyet-dinh.pdf")

        assert resource["sha256"] == hashlib.sha256(PDF).hexdigest()

    def test_geojson_map_accepted(self, upload):
        resource = upload(GEOJSON, "ban-do.geojson", document_role="map")

        assert resource["sha256"] == hashlib.sha256(GEOJSON.encode()).hexdigest()

    def test_given_checksum_replaced_by_computed(self, upload):
        resource = upload(PDF, "quyet-dinh.pdf", sha256="0" * 64)

        assert resource["sha256"] == hashlib.sha256(PDF).hexdigest()

    @pytest.mark.parametrize(
        ("data", "filename"),
        [
            (b"MZ\x90\x00 executable", "virus.exe"),
            (b"just text", "quyet-dinh.pdf"),
            ('{"type": ', "ban-do.geojson"),
            ('["not", "an", "object"]', "ban-do.geojson"),
            (b"\x00\x01 not a zip", "du-lieu.zip"),
        ],
        ids=["extension-not-allowed", "pdf-without-pdf-header", "geojson-truncated",
             "geojson-not-object", "zip-without-zip-header"],
    )
    def test_bad_upload_rejected_on_upload_field(self, upload, data, filename):
        with pytest.raises(tk.ValidationError) as raised:
            upload(data, filename)

        assert "upload" in raised.value.error_dict

    @pytest.mark.ckan_config("ckanext.quyhoach.upload.max_size", "1")
    def test_upload_over_size_limit_rejected(self, upload):
        with pytest.raises(tk.ValidationError) as raised:
            upload(PDF + b"0" * (1024 * 1024), "lon.pdf")

        assert "upload" in raised.value.error_dict

    def test_rejected_upload_saves_nothing(self, upload, dossier):
        with pytest.raises(tk.ValidationError):
            upload(b"just text", "quyet-dinh.pdf")

        assert helpers.call_action("package_show", id=dossier["id"])["resources"] == []

    def test_update_without_new_file_keeps_sha256(self, upload, sysadmin):
        resource = upload(PDF, "quyet-dinh.pdf")

        updated = helpers.call_action(
            "resource_update", context={"user": sysadmin["name"]}, id=resource["id"],
            url="quyet-dinh.pdf", document_role="decision", name="Quyết định 1597",
        )

        assert updated["sha256"] == resource["sha256"]

    def test_invalid_checksum_on_link_rejected(self, dossier, sysadmin):
        with pytest.raises(tk.ValidationError) as raised:
            helpers.call_action(
                "resource_create", context={"user": sysadmin["name"]}, package_id=dossier["id"],
                url="https://example.org/qd.pdf", document_role="decision", sha256="abc",
            )

        assert "sha256" in raised.value.error_dict

    def test_missing_document_role_rejected(self, dossier, sysadmin):
        with pytest.raises(tk.ValidationError) as raised:
            helpers.call_action(
                "resource_create", context={"user": sysadmin["name"]}, package_id=dossier["id"],
                url="https://example.org/qd.pdf",
            )

        assert "document_role" in raised.value.error_dict


class TestCompleteness:
    def test_empty_dossier_incomplete(self, dossier):
        report = helpers.call_action("quyhoach_dossier_completeness", id=dossier["name"])

        assert report["complete"] is False

    def test_provincial_plan_requires_eight_components(self, dossier):
        report = helpers.call_action("quyhoach_dossier_completeness", id=dossier["name"])

        assert report["required_count"] == 8

    def test_uploaded_decision_counts_as_present(self, upload, dossier):
        upload(PDF, "quyet-dinh.pdf")

        report = helpers.call_action("quyhoach_dossier_completeness", id=dossier["name"])

        assert "decision" not in report["missing"]

    def test_all_components_make_complete(self, dossier, sysadmin):
        for role in ("decision", "submission", "planning_report", "summary_report",
                     "sea_report", "appraisal_report", "map", "gis_dataset"):
            helpers.call_action(
                "resource_create", context={"user": sysadmin["name"]}, package_id=dossier["id"],
                url=f"https://example.org/{role}.pdf", document_role=role,
            )

        report = helpers.call_action("quyhoach_dossier_completeness", id=dossier["name"])

        assert report["complete"] is True

    def test_unknown_dossier_not_found(self, dossier):
        with pytest.raises(tk.ObjectNotFound):
            helpers.call_action("quyhoach_dossier_completeness", id="khong-co")

    def test_anonymous_may_read(self, app, dossier):
        response = app.get(
            "/api/3/action/quyhoach_dossier_completeness", query_string={"id": dossier["name"]}
        )

        assert response.json["result"]["required_count"] == 8
