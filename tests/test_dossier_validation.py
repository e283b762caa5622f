"""Plan dossier validation: each kind of invalid input gets a 409 naming its field."""

from __future__ import annotations

import datetime as dt

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

TOMORROW = (dt.date.today() + dt.timedelta(days=1)).isoformat()


def valid_dossier(owner_org: str, **changes) -> dict:
    """Return a valid provincial dossier (the Lào Cai plan of 2023) with CHANGES."""
    dossier = {
        "type": "ho-so-quy-hoach",
        "title": "Quy hoạch tỉnh Lào Cai thời kỳ 2021 - 2030, tầm nhìn đến năm 2050",
        "owner_org": owner_org,
        "plan_level": "provincial",
        "plan_type": "provincial",
        "province_codes": ["10"],
        "decision_number": "1597/QĐ-TTg",
        "decision_date": "2023-12-14",
        "approving_authority": "Thủ tướng Chính phủ",
        "period_start": 2021,
        "period_end": 2030,
        "vision_year": 2050,
        "legal_status": "in_force",
    }
    dossier.update(changes)
    return {key: value for key, value in dossier.items() if value is not None}


@pytest.fixture
def agency():
    return factories.Organization(agency_kind="provincial_committee", province_code="15")


def call_as_admin(action: str, **data_dict) -> dict:
    """Call ACTION as a sysadmin, so the activity plugin can record who did it."""
    sysadmin = factories.Sysadmin()
    return helpers.call_action(action, context={"user": sysadmin["name"]}, **data_dict)


def create_errors(dossier: dict) -> dict:
    with pytest.raises(tk.ValidationError) as raised:
        call_as_admin("package_create", **dossier)
    return raised.value.error_dict


INVALID_CASES = [
    ("decision_number", {"decision_number": "500 QĐ TTg"}),
    ("decision_number", {"decision_number": "QĐ-TTg/500"}),
    ("decision_date", {"decision_date": TOMORROW}),
    ("decision_date", {"decision_date": "2023-13-45"}),
    ("effective_from", {"effective_from": "2023-12-01"}),
    ("effective_to", {"effective_to": "2023-01-01"}),
    ("effective_to", {"effective_from": "2024-03-01", "effective_to": "2024-02-01"}),
    ("period_end", {"period_start": 2030, "period_end": 2030}),
    ("vision_year", {"period_end": 2030, "vision_year": 2025}),
    ("period_start", {"period_start": 1800}),
    ("plan_type", {"plan_type": "urban_general"}),
    ("plan_type", {"plan_level": "national", "plan_type": "regional", "province_codes": None}),
    ("sector", {"sector": "energy"}),
    (
        "sector",
        {"plan_level": "national", "plan_type": "national_sectoral", "province_codes": None},
    ),
    ("province_codes", {"province_codes": ["10", "15"]}),
    ("province_codes", {"province_codes": ["99"]}),
    ("province_codes", {"province_codes": ["06"], "decision_date": "2025-08-01"}),
    (
        "province_codes",
        {"province_codes": ["19"], "province_codes_at_decision": ["10"]},
    ),
    ("amends", {"amends": "no-such-dossier"}),
    ("map_scale", {"map_scale": "một phần trăm nghìn"}),
    ("name", {"name": "quy-hoach-da-ton-tai"}),
]
CASE_IDS = [
    "number-with-spaces",
    "number-reversed",
    "decision-in-future",
    "decision-date-impossible",
    "effective-before-decision",
    "end-before-decision",
    "end-before-start",
    "period-not-increasing",
    "vision-before-period-end",
    "year-out-of-range",
    "urban-type-on-provincial-level",
    "regional-type-on-national-level",
    "sector-on-provincial-plan",
    "sectoral-plan-without-sector",
    "provincial-plan-two-provinces",
    "unknown-province-code",
    "former-code-after-merger",
    "current-codes-disagree",
    "amends-missing-dossier",
    "map-scale-words",
    "name-taken",
]


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestDossierCreateRejects:
    @pytest.mark.parametrize(("field", "changes"), INVALID_CASES, ids=CASE_IDS)
    def test_invalid_input_names_field(self, agency, field, changes):
        if field == "name":
            call_as_admin("package_create", **valid_dossier(agency["id"], name=changes["name"]))

        errors = create_errors(valid_dossier(agency["id"], **changes))

        assert field in errors, errors

    # The name-taken case is left out: it saves a first dossier on purpose.
    @pytest.mark.parametrize(("field", "changes"), INVALID_CASES[:-1], ids=CASE_IDS[:-1])
    def test_invalid_input_saves_nothing(self, agency, field, changes):
        create_errors(valid_dossier(agency["id"], **changes))

        count = helpers.call_action("package_search", q="*:*", include_private=True)["count"]

        assert count == 0

    def test_error_message_says_how_to_fix(self, agency):
        errors = create_errors(valid_dossier(agency["id"], decision_number="500 QĐ TTg"))

        assert "500/QĐ-TTg" in errors["decision_number"][0]

    def test_amends_other_level_rejected(self, agency):
        national = call_as_admin(
            "package_create",
            **valid_dossier(
                agency["id"], plan_level="national", plan_type="national_master",
                province_codes=None, decision_number="81/2023/QH15",
                decision_date="2023-01-09", approving_authority="Quốc hội",
            ),
        )

        errors = create_errors(valid_dossier(agency["id"], amends=national["name"]))

        assert "amends" in errors

    def test_amends_cycle_rejected(self, agency):
        original = call_as_admin("package_create", **valid_dossier(agency["id"]))
        amendment = call_as_admin(
            "package_create",
            **valid_dossier(agency["id"], amends=original["name"], decision_number="1/QĐ-TTg",
                            decision_date="2024-06-01", name="dieu-chinh"),
        )
        original["amends"] = amendment["name"]

        with pytest.raises(tk.ValidationError) as raised:
            call_as_admin("package_update", **original)

        assert "amends" in raised.value.error_dict


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestDossierCreateAccepts:
    def test_former_code_resolves_to_successor(self, agency):
        dossier = call_as_admin("package_create", **valid_dossier(agency["id"], province_codes=["06"]))

        assert dossier["province_codes"] == ["19"]

    def test_code_on_decision_date_kept(self, agency):
        dossier = call_as_admin("package_create", **valid_dossier(agency["id"], province_codes=["06"]))

        assert dossier["province_codes_at_decision"] == ["06"]

    def test_name_made_from_vietnamese_title(self, agency):
        dossier = call_as_admin(
            "package_create", **valid_dossier(agency["id"], title="Quy hoạch tỉnh Đắk Lắk")
        )

        assert dossier["name"] == "quy-hoach-tinh-dak-lak"

    def test_same_title_gets_unique_name(self, agency):
        call_as_admin("package_create", **valid_dossier(agency["id"], title="Quy hoạch Đà Nẵng"))

        second = call_as_admin("package_create", **valid_dossier(agency["id"], title="Quy hoạch Đà Nẵng"))

        assert second["name"] == "quy-hoach-da-nang-2"

    def test_title_without_letters_uses_decision_number(self, agency):
        dossier = call_as_admin("package_create", **valid_dossier(agency["id"], title="«»"))

        assert dossier["name"] == "1597-qd-ttg"

    def test_decision_number_without_diacritics_accepted(self, agency):
        dossier = call_as_admin(
            "package_create", **valid_dossier(agency["id"], decision_number=" 1597 / QD-TTg ")
        )

        assert dossier["decision_number"] == "1597/QD-TTg"

    def test_map_scale_normalised(self, agency):
        dossier = call_as_admin("package_create", **valid_dossier(agency["id"], map_scale="1/100.000"))

        assert dossier["map_scale"] == "1:100000"

    def test_secrecy_defaults_to_public(self, agency):
        dossier = call_as_admin("package_create", **valid_dossier(agency["id"]))

        assert dossier["secrecy_level"] == "public"

    def test_update_keeps_name(self, agency):
        dossier = call_as_admin("package_create", **valid_dossier(agency["id"]))
        dossier.pop("name")
        dossier["title"] = "Tên khác hẳn"

        updated = call_as_admin("package_update", **dossier)

        assert updated["name"] == "quy-hoach-tinh-lao-cai-thoi-ky-2021-2030-tam-nhin-den-nam-2050"


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestDossierApiErrors:
    def test_api_returns_409_with_field(self, app, agency):
        sysadmin = factories.SysadminWithToken()
        dossier = valid_dossier(agency["id"], decision_date=TOMORROW)

        response = app.post(
            "/api/3/action/package_create", json=dossier,
            headers={"Authorization": sysadmin["token"]}, status=409,
        )

        assert "decision_date" in response.json["error"]


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestAgencyValidation:
    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"agency_kind": "provincial_committee"}, "province_code"),
            ({"agency_kind": "ministry", "province_code": "01"}, "province_code"),
            ({"agency_kind": "provincial_committee", "province_code": "06"}, "province_code"),
            ({"agency_kind": "nobody"}, "agency_kind"),
        ],
        ids=["committee-without-province", "ministry-with-province", "former-province-code", "unknown-kind"],
    )
    def test_invalid_agency_names_field(self, changes, field):
        with pytest.raises(tk.ValidationError) as raised:
            helpers.call_action("organization_create", name="co-quan", title="Cơ quan", **changes)

        assert field in raised.value.error_dict
