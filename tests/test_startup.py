"""The portal starts on the real services with every plugin it needs."""

import pytest
import requests
from ckan.lib.search.common import make_connection
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

EXPECTED_PLUGINS = [
    "activity",
    "scheming_datasets",
    "scheming_organizations",
    "quyhoach",
    "spatial_metadata",
    "spatial_query",
    "harvest",
    "dcat",
    "geo_view",
]


@pytest.mark.parametrize("plugin", EXPECTED_PLUGINS)
def test_status_show_lists_plugin(plugin):
    status = helpers.call_action("status_show")

    assert plugin in status["extensions"]


def test_solr_schema_is_ckan_2_12():
    solr_url = tk.config["solr_url"]

    response = requests.get(f"{solr_url}/schema", params={"wt": "schema.xml"}, timeout=10)

    assert 'name="ckan-2.12"' in response.text


def test_solr_answers_select():
    connection = make_connection()

    result = connection.search(q="*:*", rows=0)

    assert result.hits >= 0


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestDatasetRoundTrip:
    def _create_dossier(self):
        agency = factories.Organization(agency_kind="ministry")
        return helpers.call_action(
            "package_create",
            context={"user": factories.Sysadmin()["name"]},
            type="ho-so-quy-hoach",
            name="quy-hoach-thu-nghiem",
            title="Quy hoạch thử nghiệm Đà Nẵng",
            owner_org=agency["id"],
            plan_level="national",
            plan_type="national_master",
            decision_number="81/2023/QH15",
            decision_date="2023-01-09",
            approving_authority="Quốc hội",
            legal_status="in_force",
            secrecy_level="public",
            gis_status="none",
        )

    def test_created_dossier_found_by_search(self):
        self._create_dossier()

        result = helpers.call_action("package_search", q="Đà Nẵng")

        assert [d["name"] for d in result["results"]] == ["quy-hoach-thu-nghiem"]

    def test_search_without_diacritics_finds_dossier(self):
        self._create_dossier()

        result = helpers.call_action("package_search", q="da nang")

        assert result["count"] == 1

    def test_dossier_page_renders(self, app):
        dossier = self._create_dossier()

        response = app.get(f"/ho-so-quy-hoach/{dossier['name']}")

        assert dossier["title"] in response.get_data(as_text=True)
