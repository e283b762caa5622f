"""Fixtures of the access tests: the shared world and a live HTTP server."""

from __future__ import annotations

import threading

import pytest
from ckan import model, plugins
from ckan.tests import helpers
from werkzeug.serving import make_server

from .world import PORT, World, make_dossiers, make_users


@pytest.fixture(scope="module", autouse=True)
def load_standard_plugins(request):
    """Load the plugins once per module instead of once per test.

    Replaces the suite's per-test fixture for this folder: reloading every
    plugin costs seconds per test, and the visibility table runs about 1,500
    read-only cases. Tests that change config with ckan_config marks request
    the `ckan_config` fixture (through `app` or directly).
    """
    plugins.load_all()
    yield
    plugins.unload_all()


@pytest.fixture
def clean_db(reset_db, migrate_db_for):
    """Reset the database and apply the plugin migrations, without reloading plugins."""
    reset_db()
    for plugin in ("activity", "harvest", "quyhoach_access"):
        migrate_db_for(plugin)


@pytest.fixture(scope="module")
def world(load_standard_plugins, reset_db, reset_index, migrate_db_for) -> World:
    """Build the shared world once for the module on a clean database and index."""
    reset_db()
    reset_index()
    for plugin in ("activity", "harvest", "quyhoach_access"):
        migrate_db_for(plugin)
    built = World()
    make_users(built)
    make_dossiers(built)
    # One test client for the module: building CKAN's app per test would
    # cost more than the requests the table makes.
    built.app = helpers._get_test_app()
    model.Session.remove()
    return built


@pytest.fixture
def live_server(app):
    """Serve the test app over real HTTP on 127.0.0.1:PORT for the harvester and the browser."""
    server = make_server("127.0.0.1", PORT, app.flask_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{PORT}"
    server.shutdown()
    thread.join(timeout=10)
