"""Tag and format lists name only what the caller's dataset search finds."""

import pytest
from ckan.tests import factories, helpers

from .world import dossier

SECRET_TAG = "the-bi-mat-quoc-phong"
PUBLIC_TAG = "the-cong-khai"


@pytest.fixture
def tagged_dossiers(clean_db, clean_index):
    sysadmin = factories.Sysadmin()
    agency = factories.Organization(name="co-quan-the", agency_kind="ministry")
    context = {"user": sysadmin["name"]}
    for name, level, tag in (("ho-so-the-mat", "mat", SECRET_TAG), ("ho-so-the-cong-khai", "public", PUBLIC_TAG)):
        helpers.call_action(
            "package_create", context, tags=[{"name": tag}], **dossier(name, f"Hồ sơ {name}", level, agency["id"])
        )
    return sysadmin


@pytest.mark.usefixtures("tagged_dossiers")
class TestAnonymous:
    def test_tag_list_hides_secret_tag(self):
        assert SECRET_TAG not in helpers.call_action("tag_list", context={"user": ""})

    def test_tag_list_keeps_public_tag(self):
        assert PUBLIC_TAG in helpers.call_action("tag_list", context={"user": ""})

    def test_tag_autocomplete_hides_secret_tag(self):
        assert helpers.call_action("tag_autocomplete", context={"user": ""}, q="the-bi") == []


def test_sysadmin_tag_list_keeps_secret_tag(tagged_dossiers):
    names = helpers.call_action("tag_list", context={"user": tagged_dossiers["name"]})

    assert SECRET_TAG in names
