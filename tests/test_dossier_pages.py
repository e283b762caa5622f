"""Dossier and search pages, in Vietnamese by default and in English."""

from __future__ import annotations

import pytest
from ckan.tests import factories, helpers


@pytest.fixture
def dossier(clean_db, clean_index):
    sysadmin = factories.Sysadmin()
    agency = factories.Organization(agency_kind="other", title="Ủy ban nhân dân tỉnh Lào Cai")
    context = {"user": sysadmin["name"]}
    original = helpers.call_action(
        "package_create", context=dict(context),
        type="ho-so-quy-hoach", name="lao-cai", title="Quy hoạch tỉnh Lào Cai",
        title_en="Lao Cai Provincial Master Plan",
        owner_org=agency["id"], plan_level="provincial", plan_type="provincial",
        province_codes=["10"], decision_number="1597/QĐ-TTg", decision_date="2023-12-14",
        approving_authority="Thủ tướng Chính phủ", legal_status="in_force",
        period_start=2021, period_end=2030, vision_year=2050,
    )
    helpers.call_action(
        "resource_create", context=dict(context), package_id=original["id"],
        url="https://example.org/qd.pdf", name="Quyết định 1597", document_role="decision",
    )
    helpers.call_action(
        "package_create", context=dict(context),
        type="ho-so-quy-hoach", name="lao-cai-dieu-chinh", title="Điều chỉnh quy hoạch tỉnh Lào Cai",
        owner_org=agency["id"], plan_level="provincial", plan_type="provincial",
        province_codes=["15"], decision_number="12/QĐ-TTg", decision_date="2025-08-01",
        approving_authority="Thủ tướng Chính phủ", legal_status="in_force",
        amends="lao-cai", amendment_scope="partial",
    )
    return original


class TestDossierPage:
    @pytest.mark.parametrize(
        "fragment",
        [
            'id="dossier-completeness"',
            'data-role="decision"',
            "Mức độ đầy đủ theo quy định",
            "Quyết định phê duyệt",
            "1597/QĐ-TTg",
            "Lào Cai",
            "Được điều chỉnh bởi",
            "Điều chỉnh quy hoạch tỉnh Lào Cai",
            "Quyết định 1597",
        ],
        ids=["completeness-section", "resource-role", "completeness-title-vi",
             "decision-group-vi", "decision-number", "province-name",
             "amended-by-title", "amendment-link", "resource-name"],
    )
    def test_page_shows(self, app, dossier, fragment):
        response = app.get("/ho-so-quy-hoach/lao-cai")

        assert fragment in response.body

    def test_missing_component_listed(self, app, dossier):
        response = app.get("/ho-so-quy-hoach/lao-cai")

        assert 'class="quyhoach-component missing" data-role="sea_report"' in response.body

    def test_amendment_shows_what_it_amends(self, app, dossier):
        response = app.get("/ho-so-quy-hoach/lao-cai-dieu-chinh")

        assert "Hồ sơ này điều chỉnh" in response.body

    def test_page_in_english(self, app, dossier):
        response = app.get("/en/ho-so-quy-hoach/lao-cai")

        assert "Statutory completeness" in response.body

    def test_heading_in_english(self, app, dossier):
        response = app.get("/en/ho-so-quy-hoach/lao-cai")

        assert '<h1 class="quyhoach-dossier-title">\n  Lao Cai Provincial Master Plan' in response.body

    def test_heading_in_vietnamese(self, app, dossier):
        response = app.get("/ho-so-quy-hoach/lao-cai")

        assert '<h1 class="quyhoach-dossier-title">\n  Quy hoạch tỉnh Lào Cai' in response.body


class TestSearchPage:
    @pytest.mark.parametrize(
        "fragment",
        ['name="ext_in_force_on"', "Còn hiệu lực vào ngày", "Cấp quy hoạch",
         "title_collation asc", "Quy hoạch tỉnh Lào Cai"],
        ids=["in-force-control", "in-force-label-vi", "level-facet-vi", "vietnamese-sort",
             "result"],
    )
    def test_search_page_shows(self, app, dossier, fragment):
        response = app.get("/ho-so-quy-hoach/")

        assert fragment in response.body

    def test_in_force_control_filters(self, app, dossier):
        response = app.get("/ho-so-quy-hoach/", query_string={"ext_in_force_on": "2024-01-01"})

        assert "Điều chỉnh quy hoạch tỉnh Lào Cai" not in response.body

    def test_result_title_in_english(self, app, dossier):
        response = app.get("/en/ho-so-quy-hoach/")

        assert ">\n    Lao Cai Provincial Master Plan\n  </a>" in response.body

    def test_facet_label_in_english(self, app, dossier):
        response = app.get("/en/ho-so-quy-hoach/")

        assert "Provincial" in response.body

    def test_province_facet_filters(self, app, dossier):
        response = app.get("/ho-so-quy-hoach/", query_string={"vocab_province": "Lào Cai"})

        assert "Quy hoạch tỉnh Lào Cai" in response.body
