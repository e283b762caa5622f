"""Spatial search on the real Solr core: extents, bbox, within, point, place
name, bad input, and a reindex that survives a bad stored geometry.

Dossiers are built from the real provinces (data/provinces.csv bounding boxes).
"""

import html
import json
import re

import pytest
from ckan import model
from ckan.lib import search
from ckan.tests import factories, helpers

DATASET_TYPE = "ho-so-quy-hoach"
HOAN_KIEM = (105.8542, 21.0285)
CA_MAU_CITY = (105.1524, 9.1769)


def _dossier(user, agency, name, **fields):
    values = {
        "type": DATASET_TYPE,
        "name": name,
        "title": name.replace("-", " ").title(),
        "owner_org": agency["id"],
        "plan_level": "provincial",
        "plan_type": "provincial",
        "decision_number": f"{len(name)}/QĐ-TTg",
        "decision_date": "2023-12-01",
        "approving_authority": "Thủ tướng Chính phủ",
        "legal_status": "in_force",
        "secrecy_level": "public",
        "gis_status": "none",
    }
    values.update(fields)
    return helpers.call_action("package_create", context={"user": user["name"]}, **values)


@pytest.fixture
def catalogue(clean_db, clean_index):
    user = factories.Sysadmin()
    agency = factories.Organization(agency_kind="ministry")
    make = lambda name, **fields: _dossier(user, agency, name, **fields)  # noqa: E731
    make("quy-hoach-tong-the-quoc-gia", plan_level="national", plan_type="national_master",
         decision_date="2023-01-09", effective_from="2023-01-09")
    make("quy-hoach-vung-dong-bang-song-hong", plan_level="regional", plan_type="regional",
         region="dong_bang_song_hong", decision_date="2024-05-04")
    make("quy-hoach-thu-do-ha-noi", province_codes=["01"], decision_date="2024-12-12",
         effective_from="2024-12-12")
    make("quy-hoach-tinh-ca-mau", province_codes=["96"], province_codes_at_decision=["96"])
    make("quy-hoach-tinh-bac-kan", province_codes=["19"], province_codes_at_decision=["06"])
    make("quy-hoach-tinh-thai-nguyen", province_codes=["19"])
    make("khu-do-thi-hoan-kiem", plan_level="urban", plan_type="urban_general",
         spatial=json.dumps({"type": "Polygon", "coordinates": [[
             [105.84, 21.02], [105.86, 21.02], [105.86, 21.04], [105.84, 21.04], [105.84, 21.02]]]}))
    return {"user": user, "agency": agency}


def _names(result):
    return {dossier["name"] for dossier in result["results"]}


@pytest.mark.usefixtures("catalogue")
class TestPlansAtPoint:
    def _at(self, point, **extra):
        return helpers.call_action("quyhoach_plans_at_point", lon=point[0], lat=point[1], **extra)

    def test_hanoi_point_finds_national_plan(self):
        assert "quy-hoach-tong-the-quoc-gia" in _names(self._at(HOAN_KIEM))

    def test_hanoi_point_finds_red_river_delta_plan(self):
        assert "quy-hoach-vung-dong-bang-song-hong" in _names(self._at(HOAN_KIEM))

    def test_hanoi_point_finds_hanoi_plan(self):
        assert "quy-hoach-thu-do-ha-noi" in _names(self._at(HOAN_KIEM))

    def test_hanoi_point_finds_urban_plan_with_own_extent(self):
        assert "khu-do-thi-hoan-kiem" in _names(self._at(HOAN_KIEM))

    def test_hanoi_point_misses_ca_mau_plan(self):
        assert "quy-hoach-tinh-ca-mau" not in _names(self._at(HOAN_KIEM))

    def test_results_ordered_by_level(self):
        levels = [d["plan_level"] for d in self._at(HOAN_KIEM)["results"]]

        assert levels[:3] == ["national", "regional", "provincial"]

    def test_urban_plan_listed_last(self):
        assert self._at(HOAN_KIEM)["results"][-1]["name"] == "khu-do-thi-hoan-kiem"

    def test_ca_mau_point_finds_ca_mau_plan(self):
        assert "quy-hoach-tinh-ca-mau" in _names(self._at(CA_MAU_CITY))

    def test_ca_mau_point_misses_red_river_delta_plan(self):
        assert "quy-hoach-vung-dong-bang-song-hong" not in _names(self._at(CA_MAU_CITY))

    def test_date_before_hanoi_plan_excludes_it(self):
        names = _names(self._at(HOAN_KIEM, date="2024-06-01"))

        assert "quy-hoach-thu-do-ha-noi" not in names

    def test_date_keeps_plans_in_force(self):
        names = _names(self._at(HOAN_KIEM, date="2024-06-01"))

        assert "quy-hoach-tong-the-quoc-gia" in names

    def test_point_at_sea_far_away_finds_nothing(self):
        assert self._at((-30.0, 0.0))["count"] == 0

    @pytest.mark.parametrize(
        "lon, lat",
        [(105.8, 95), ("abc", 21), (200, 21), (None, 21)],
        ids=["latitude-95", "not-number", "longitude-200", "missing"],
    )
    def test_bad_point_rejected(self, lon, lat):
        with pytest.raises(helpers.logic.ValidationError):
            helpers.call_action("quyhoach_plans_at_point", lon=lon, lat=lat)

    def test_bad_date_rejected(self):
        with pytest.raises(helpers.logic.ValidationError, match="date"):
            self._at(HOAN_KIEM, date="01/07/2025")


@pytest.mark.usefixtures("catalogue")
class TestBBoxSearch:
    def _search(self, **extras):
        return _names(helpers.call_action("package_search", rows=100, **extras))

    def test_bbox_in_hanoi_finds_hanoi_plan(self):
        assert "quy-hoach-thu-do-ha-noi" in self._search(ext_bbox="105.80,21.00,105.90,21.05")

    def test_bbox_in_hanoi_misses_ca_mau_plan(self):
        assert "quy-hoach-tinh-ca-mau" not in self._search(ext_bbox="105.80,21.00,105.90,21.05")

    def test_swapped_corners_give_same_result(self):
        plain = self._search(ext_bbox="105.80,21.00,105.90,21.05")

        assert self._search(ext_bbox="105.90,21.05,105.80,21.00") == plain

    def test_within_keeps_small_extent(self):
        names = self._search(ext_bbox="105.80,21.00,105.90,21.05", ext_spatial_relation="within")

        assert names == {"khu-do-thi-hoan-kiem"}

    def test_within_mekong_box_finds_ca_mau_not_national(self):
        names = self._search(ext_bbox="104.0,8.0,106.5,10.0", ext_spatial_relation="within")

        assert names == {"quy-hoach-tinh-ca-mau"}

    def test_bbox_across_antimeridian_finds_nothing_here(self):
        assert self._search(ext_bbox="170,-20,190,-10") == set()

    def test_bbox_past_180_covering_vietnam_finds_plans(self):
        assert "quy-hoach-tinh-ca-mau" in self._search(ext_bbox="-260,5,-250,12")


TRIANGLE = {"type": "Polygon", "coordinates": [[[105, 20], [106, 20], [105, 21], [105, 20]]]}
TWO_BOXES = {"type": "GeometryCollection", "geometries": [
    {"type": "Polygon", "coordinates": [[[105, 20], [106, 20], [106, 21], [105, 21], [105, 20]]]},
    {"type": "Polygon", "coordinates": [[[107, 20], [108, 20], [108, 21], [107, 21], [107, 20]]]},
]}


@pytest.fixture
def exact_shapes(clean_db, clean_index):
    user = factories.Sysadmin()
    agency = factories.Organization(agency_kind="ministry")
    _dossier(user, agency, "khu-tam-giac", plan_level="urban", plan_type="urban_general",
             spatial=json.dumps(TRIANGLE))
    _dossier(user, agency, "hai-khu-tach-roi", plan_level="urban", plan_type="urban_general",
             spatial=json.dumps(TWO_BOXES))


@pytest.mark.usefixtures("exact_shapes")
class TestExactGeometry:
    """The index checks the geometry itself, not only its grid cells or bounding box."""

    def _at(self, lon, lat):
        return _names(helpers.call_action("quyhoach_plans_at_point", lon=lon, lat=lat))

    def test_point_just_inside_triangle_found(self):
        assert "khu-tam-giac" in self._at(105.499, 20.499)

    def test_point_just_outside_triangle_missed(self):
        # About 150 m beyond the long edge. A grid-only field with distErrPct
        # 0.025 matched this point (Solr 9.10.1).
        assert "khu-tam-giac" not in self._at(105.501, 20.501)

    def test_point_in_each_box_found(self):
        assert "hai-khu-tach-roi" in self._at(105.5, 20.5)
        assert "hai-khu-tach-roi" in self._at(107.5, 20.5)

    def test_point_between_boxes_missed(self):
        assert "hai-khu-tach-roi" not in self._at(106.5, 20.5)

    def test_within_one_part_misses_collection(self):
        names = _names(helpers.call_action(
            "package_search", ext_bbox="104.9,19.9,106.1,21.1", ext_spatial_relation="within"))

        assert names == {"khu-tam-giac"}


@pytest.mark.usefixtures("catalogue")
class TestPlaceSearch:
    def _place(self, name):
        return _names(helpers.call_action("quyhoach_place_search", q=name))

    def test_former_province_finds_successor_plans(self):
        assert "quy-hoach-tinh-thai-nguyen" in self._place("Bắc Kạn")

    def test_successor_finds_former_province_plan(self):
        assert "quy-hoach-tinh-bac-kan" in self._place("thai nguyen")

    def test_place_without_diacritics_finds_hanoi(self):
        assert "quy-hoach-thu-do-ha-noi" in self._place("ha noi")

    def test_province_finds_its_region_plan(self):
        assert "quy-hoach-vung-dong-bang-song-hong" in self._place("Hà Nội")

    def test_province_finds_national_plan(self):
        assert "quy-hoach-tong-the-quoc-gia" in self._place("Cà Mau")

    def test_province_misses_other_province(self):
        assert "quy-hoach-tinh-ca-mau" not in self._place("Hà Nội")

    def test_unknown_place_returns_no_places(self):
        assert helpers.call_action("quyhoach_place_search", q="Atlantis")["places"] == []

    def test_ext_place_filters_package_search(self):
        names = _names(helpers.call_action("package_search", ext_place="Cà Mau", rows=100))

        assert "quy-hoach-thu-do-ha-noi" not in names


@pytest.mark.usefixtures("catalogue")
class TestApiErrors:
    @pytest.mark.parametrize(
        "params",
        [
            {"ext_bbox": "0,95,1,96"},
            {"ext_bbox": "1,2,3"},
            {"ext_bbox": "105,20,106,21", "ext_spatial_relation": "touches"},
            {"ext_point": "105,95"},
            {"ext_place": "Atlantis"},
        ],
        ids=["latitude-95", "three-values", "bad-relation", "bad-point", "unknown-place"],
    )
    def test_bad_spatial_search_is_400(self, app, params):
        response = app.get("/api/3/action/package_search", query_string=params, status=400)

        assert response.json["success"] is False

    def test_bad_extent_is_409_naming_field(self, app, catalogue):
        token = factories.APIToken(user=catalogue["user"]["name"])["token"]
        body = {"id": "quy-hoach-tinh-ca-mau", "spatial": '{"type": "Point", "coordinates": [105, 95]}'}

        response = app.post("/api/3/action/package_patch", json=body,
                            headers={"Authorization": token}, status=409)

        assert "spatial" in response.json["error"]

    def test_bad_extent_not_saved(self, app, catalogue):
        token = factories.APIToken(user=catalogue["user"]["name"])["token"]
        body = {"id": "quy-hoach-tinh-ca-mau", "spatial": '{"type": "Point", "coordinates": [105, 95]}'}
        app.post("/api/3/action/package_patch", json=body, headers={"Authorization": token}, status=409)

        assert not helpers.call_action("package_show", id="quy-hoach-tinh-ca-mau").get("spatial")


@pytest.mark.usefixtures("catalogue")
class TestReindex:
    def _corrupt_stored_extent(self, name):
        package = model.Package.get(name)
        package.extras = dict(package.extras, spatial='{"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}')
        model.Session.commit()

    def test_rebuild_survives_bad_stored_geometry(self):
        self._corrupt_stored_extent("quy-hoach-tinh-ca-mau")

        search.rebuild()

        assert helpers.call_action("package_search", rows=0)["count"] == 7

    def test_bad_stored_geometry_falls_out_of_map_search(self):
        self._corrupt_stored_extent("quy-hoach-tinh-ca-mau")
        search.rebuild()

        assert "quy-hoach-tinh-ca-mau" not in _names(
            helpers.call_action("quyhoach_plans_at_point", lon=CA_MAU_CITY[0], lat=CA_MAU_CITY[1])
        )


def _search_map_features(app, **params):
    """Return the result extents that the search page hands to its map."""
    page = app.get("/ho-so-quy-hoach/", query_string=params).get_data(as_text=True)
    match = re.search(r'id="quyhoach-search-results" hidden data-geojson="([^"]*)"', page)
    return json.loads(html.unescape(match.group(1)))["features"]


class TestDossierPage:
    def test_dossier_page_has_map_extent(self, app, catalogue):
        response = app.get("/ho-so-quy-hoach/quy-hoach-tinh-ca-mau")

        assert 'data-module="dataset-map"' in response.get_data(as_text=True)

    def test_search_page_has_map_widget(self, app, catalogue):
        response = app.get("/ho-so-quy-hoach/")

        assert 'data-module="spatial-query"' in response.get_data(as_text=True)

    def test_search_map_draws_listed_extents(self, app, catalogue):
        features = _search_map_features(app, ext_place="Hà Nội")

        assert {feature["properties"]["title"] for feature in features} == {
            "Quy Hoach Tong The Quoc Gia",
            "Quy Hoach Vung Dong Bang Song Hong",
            "Quy Hoach Thu Do Ha Noi",
            "Khu Do Thi Hoan Kiem",
        }

    def test_search_map_national_extent_first(self, app, catalogue):
        features = _search_map_features(app, ext_place="Hà Nội")

        assert features[0]["properties"]["plan_level"] == "national"

    def test_search_map_extent_links_dossier(self, app, catalogue):
        features = _search_map_features(app, q="name:quy-hoach-tinh-ca-mau")

        assert features[0]["properties"]["url"] == "/ho-so-quy-hoach/quy-hoach-tinh-ca-mau"

    def test_point_page_lists_hanoi_plan(self, app, catalogue):
        response = app.get("/quy-hoach-tai-diem", query_string={"lon": HOAN_KIEM[0], "lat": HOAN_KIEM[1]})

        assert "/ho-so-quy-hoach/quy-hoach-thu-do-ha-noi" in response.get_data(as_text=True)


class TestUploadedGisFile:
    """An uploaded zipped Shapefile sets the dossier's extent and source CRS."""

    def _shapefile(self, with_prj):
        from test_spatial_crs import _shapefile_zip
        from pyproj import CRS

        return _shapefile_zip(CRS.from_epsg(9210).to_wkt("WKT1_ESRI") if with_prj else None)

    def _upload(self, catalogue, create_with_upload, with_prj):
        return create_with_upload(
            self._shapefile(with_prj), "ranh_gioi.zip",
            context={"user": catalogue["user"]["name"]},
            package_id="quy-hoach-tinh-ca-mau", url="ranh_gioi.zip", format="SHP",
            document_role="gis_dataset", secrecy_level="public",
        )

    def test_upload_sets_source_crs(self, catalogue, create_with_upload):
        self._upload(catalogue, create_with_upload, with_prj=True)

        dossier = helpers.call_action("package_show", id="quy-hoach-tinh-ca-mau")

        assert dossier["source_crs"] == "EPSG:9210 (VN-2000 / TM-3 105-45)"

    def test_upload_extent_found_by_point(self, catalogue, create_with_upload):
        self._upload(catalogue, create_with_upload, with_prj=True)

        names = _names(helpers.call_action("quyhoach_plans_at_point", lon=106.58, lat=21.02))

        assert "quy-hoach-tinh-ca-mau" in names

    def test_upload_without_prj_rejected(self, catalogue, create_with_upload):
        with pytest.raises(helpers.logic.ValidationError, match="has no .prj file"):
            self._upload(catalogue, create_with_upload, with_prj=False)

    def test_rejected_upload_not_saved(self, catalogue, create_with_upload):
        with pytest.raises(helpers.logic.ValidationError):
            self._upload(catalogue, create_with_upload, with_prj=False)

        assert helpers.call_action("package_show", id="quy-hoach-tinh-ca-mau")["resources"] == []
