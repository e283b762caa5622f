"""Fixtures shared by the whole suite; they run against the real services.

scripts/test.sh starts PostgreSQL, Redis and Solr and passes --ckan-ini.
"""

import pytest


@pytest.fixture(autouse=True)
def load_standard_plugins(request):
    """Load the plugins of config/test.ini for every test not marked without_plugins.

    CKAN's pytest plugin unloads every plugin before the test loop, so a test
    sees our schema, actions and templates only through with_plugins. Loading
    them takes about a second a test, which pure function tests can skip.
    """
    if request.node.get_closest_marker("without_plugins") is None:
        request.getfixturevalue("with_plugins")


@pytest.fixture
def clean_db(reset_db, migrate_db_for, with_plugins):
    """Reset the database, then add the tables of the activity, harvest and quyhoach_access plugins.

    CKAN's own clean_db rebuilds only the core tables.
    """
    reset_db()
    migrate_db_for("activity")
    migrate_db_for("harvest")
    migrate_db_for("quyhoach_access")
