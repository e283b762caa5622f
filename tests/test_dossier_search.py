"""Dossier search: Vietnamese text, facets, title order, "in force on" and provinces."""

from __future__ import annotations

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

PLANS = [
    # name, title, level, type, sector, codes on decision date, number, date
    ("lao-cai", "Quy hoạch tỉnh Lào Cai", "provincial", "provincial", None, ["10"],
     "1597/QĐ-TTg", "2023-12-14"),
    ("yen-bai", "Quy hoạch tỉnh Yên Bái", "provincial", "provincial", None, ["15"],
     "1086/QĐ-TTg", "2023-09-18"),
    ("da-nang", "Quy hoạch thành phố Đà Nẵng", "provincial", "provincial", None, ["48"],
     "1287/QĐ-TTg", "2023-11-02"),
    ("dien-viii", "Quy hoạch phát triển điện lực quốc gia", "national", "national_sectoral",
     "energy", [], "500/QĐ-TTg", "2023-05-15"),
    ("ca-mau", "Quy hoạch tỉnh Cà Mau", "provincial", "provincial", None, ["96"],
     "1386/QĐ-TTg", "2023-11-17"),
    ("cao-bang", "Quy hoạch tỉnh Cao Bằng", "provincial", "provincial", None, ["04"],
     "1681/QĐ-TTg", "2023-12-27"),
]


@pytest.fixture
def dossiers(clean_db, clean_index):
    sysadmin = factories.Sysadmin()
    agency = factories.Organization(agency_kind="other")
    created = {}
    for name, title, level, plan_type, sector, codes, number, date in PLANS:
        dossier = {
            "type": "ho-so-quy-hoach", "name": name, "title": title, "owner_org": agency["id"],
            "plan_level": level, "plan_type": plan_type, "province_codes": codes,
            "decision_number": number, "decision_date": date,
            "approving_authority": "Thủ tướng Chính phủ", "legal_status": "in_force",
            "period_start": 2021, "period_end": 2030, "vision_year": 2050,
        }
        if sector:
            dossier["sector"] = sector
        created[name] = helpers.call_action(
            "package_create", context={"user": sysadmin["name"]}, **dossier
        )
    return created


def names(**search) -> set[str]:
    result = helpers.call_action("package_search", rows=100, **search)
    return {dossier["name"] for dossier in result["results"]}


def facet_items(field: str) -> dict[str, dict]:
    result = helpers.call_action("package_search", **{"facet.field": [field], "rows": 0})
    return {item["name"]: item for item in result["search_facets"][field]["items"]}


@pytest.mark.usefixtures("dossiers")
class TestTextSearch:
    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("Đà Nẵng", "da-nang"),
            ("da nang", "da-nang"),
            ("DA NANG", "da-nang"),
            ("điện lực", "dien-viii"),
            ("dien luc", "dien-viii"),
            ("500/QD-TTg", "dien-viii"),
        ],
        ids=["with-diacritics", "without-diacritics", "upper-case", "d-stroke",
             "d-stroke-folded", "decision-number-folded"],
    )
    def test_query_finds_dossier(self, query, expected):
        assert expected in names(q=query)

    def test_former_province_finds_successor(self):
        # Yên Bái (former code 15) was merged into the current Lào Cai (15),
        # so its name also finds the plan of the former Lào Cai (code 10).
        assert "lao-cai" in names(q="Yên Bái")

    def test_former_province_name_folded(self):
        # Bạc Liêu was merged into Cà Mau on 1 July 2025.
        assert "ca-mau" in names(q="bac lieu")


@pytest.mark.usefixtures("dossiers")
class TestFacets:
    def test_level_facet_counts(self):
        assert facet_items("plan_level")["provincial"]["count"] == 5

    def test_level_facet_shows_label(self):
        assert facet_items("plan_level")["national"]["display_name"] in ("Quốc gia", "National")

    def test_province_facet_uses_current_name(self):
        assert facet_items("vocab_province")["Lào Cai"]["count"] == 2

    def test_sector_facet(self):
        assert facet_items("sector")["energy"]["count"] == 1

    def test_period_facet(self):
        assert facet_items("plan_period")["2021-2030"]["count"] == 6

    def test_filter_and_text_combined(self):
        found = names(q="quy hoach", fq='plan_level:"provincial" +vocab_province:"Lào Cai"')

        assert found == {"lao-cai", "yen-bai"}


@pytest.mark.usefixtures("dossiers")
class TestTitleOrder:
    def test_vietnamese_alphabetical_order(self):
        result = helpers.call_action("package_search", sort="title_collation asc", rows=10)
        titles = [dossier["title"] for dossier in result["results"]]

        # Letters first, tones only to break ties: "Cà Mau" comes before
        # "Cao Bằng" (a space sorts before "o"), although "à" > "a" by code point.
        assert titles == [
            "Quy hoạch phát triển điện lực quốc gia",
            "Quy hoạch thành phố Đà Nẵng",
            "Quy hoạch tỉnh Cà Mau",
            "Quy hoạch tỉnh Cao Bằng",
            "Quy hoạch tỉnh Lào Cai",
            "Quy hoạch tỉnh Yên Bái",
        ]


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestInForceOn:
    @pytest.fixture
    def chain(self):
        sysadmin = factories.Sysadmin()
        agency = factories.Organization(agency_kind="other")
        base = {
            "type": "ho-so-quy-hoach", "owner_org": agency["id"], "plan_level": "urban",
            "plan_type": "urban_general", "province_codes": ["01"],
            "approving_authority": "Thủ tướng Chính phủ", "legal_status": "in_force",
        }
        context = {"user": sysadmin["name"]}
        original = helpers.call_action(
            "package_create", context=dict(context), name="goc", title="Quy hoạch chung gốc",
            decision_number="1259/QĐ-TTg", decision_date="2011-07-26", **base,
        )
        helpers.call_action(
            "package_create", context=dict(context), name="dieu-chinh",
            title="Điều chỉnh quy hoạch chung", decision_number="1668/QĐ-TTg",
            decision_date="2024-12-27", effective_from="2025-01-01", amends="goc",
            amendment_scope="whole", **base,
        )
        helpers.call_action(
            "package_create", context=dict(context), name="bai-bo",
            title="Quy hoạch bị hủy", decision_number="1/QĐ-TTg", decision_date="2012-01-01",
            **dict(base, legal_status="annulled"),
        )
        return original

    @pytest.mark.parametrize(
        ("day", "expected"),
        [
            ("2010-01-01", set()),
            ("2015-06-01", {"goc"}),
            ("2024-12-31", {"goc"}),
            ("2025-01-01", {"dieu-chinh"}),
        ],
        ids=["before-all", "original-only", "last-day-of-original", "amendment-takes-over"],
    )
    def test_in_force_on_day(self, chain, day, expected):
        assert names(in_force_on=day) == expected

    def test_ext_parameter_of_search_page(self, chain):
        assert names(ext_in_force_on="2015-06-01") == {"goc"}

    def test_invalid_day_rejected(self, chain):
        with pytest.raises(tk.ValidationError) as raised:
            helpers.call_action("package_search", in_force_on="31/12/2024")

        assert "in_force_on" in raised.value.error_dict

    def test_api_invalid_day_is_409(self, app, chain):
        response = app.get("/api/3/action/package_search", query_string={"in_force_on": "x"}, status=409)

        assert "in_force_on" in response.json["error"]

    def test_amendment_chain_both_ways(self, chain):
        result = helpers.call_action("quyhoach_dossier_amendments", id="goc")

        assert [item["name"] for item in result["amended_by"]] == ["dieu-chinh"]

    def test_amendment_chain_upwards(self, chain):
        result = helpers.call_action("quyhoach_dossier_amendments", id="dieu-chinh")

        assert [item["name"] for item in result["amends"]] == ["goc"]
