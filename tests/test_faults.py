"""Pages return a clear 503 page, not a traceback, when Solr is down."""

import pytest

# Nothing listens on the discard port, so every Solr request is refused.
DEAD_SOLR_URL = "http://127.0.0.1:9/solr/ckan"


@pytest.fixture
def dead_solr(app, ckan_config, monkeypatch):
    """Point the running app at a Solr URL that refuses connections, for one test."""
    monkeypatch.setitem(ckan_config, "solr_url", DEAD_SOLR_URL)


@pytest.mark.usefixtures("dead_solr")
@pytest.mark.parametrize("path", ["/", "/ho-so-quy-hoach/", "/organization/"])
def test_page_explains_search_is_down(app, path):
    response = app.get(path, status=503)
    page = response.get_data(as_text=True).lower()

    assert response.status_code == 503
    assert "search service" in page or "dịch vụ tìm kiếm" in page
    assert "traceback" not in page


@pytest.mark.usefixtures("dead_solr")
def test_api_search_error_names_search_server(app):
    response = app.get("/api/3/action/package_search", status=500)

    assert response.json["error"]["message"] == "Unable to connect to the search server"
