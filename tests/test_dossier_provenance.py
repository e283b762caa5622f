"""Harvest provenance survives edits: a form or an agency editor cannot drop or forge it."""

from __future__ import annotations


import pytest
from ckan.tests import factories, helpers

from access.flow import PASSWORD, csrf_token, login
from test_dossier_validation import valid_dossier

PROVENANCE = {
    "harvest_source_url": "https://quyhoach.laocai.gov.vn",
    "harvest_remote_id": "7b1c0e52-lao-cai",
    "harvest_remote_url": "https://quyhoach.laocai.gov.vn/dataset/quy-hoach-tinh-lao-cai",
    "harvest_content_hash": "a" * 64,
    "harvested_at": "2026-12-01T08:00:00",
}

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")


@pytest.fixture
def editor_and_dossier():
    """A harvested dossier of an agency, and an editor of that agency."""
    editor = factories.User(password=PASSWORD)
    agency = factories.Organization(
        agency_kind="provincial_committee", province_code="15", users=[{"name": editor["name"], "capacity": "editor"}]
    )
    site_user = helpers.call_action("get_site_user")
    dossier = helpers.call_action(
        "package_create", context={"user": site_user["name"]}, **valid_dossier(agency["id"], **PROVENANCE)
    )
    return editor, dossier


def _without_provenance(dossier: dict) -> dict:
    return {key: value for key, value in dossier.items() if key not in PROVENANCE}


@pytest.mark.parametrize("field", sorted(PROVENANCE))
def test_kept_when_edit_leaves_it_out(editor_and_dossier, field):
    editor, dossier = editor_and_dossier
    edited = dict(_without_provenance(dossier), notes="Bổ sung thuyết minh")
    updated = helpers.call_action("package_update", context={"user": editor["name"], "ignore_auth": False}, **edited)
    assert updated[field] == PROVENANCE[field]


@pytest.mark.parametrize("field", sorted(PROVENANCE))
def test_editor_cannot_forge(editor_and_dossier, field):
    editor, dossier = editor_and_dossier
    forged = dict(dossier, **{field: "forged"})
    updated = helpers.call_action("package_update", context={"user": editor["name"], "ignore_auth": False}, **forged)
    assert updated[field] == PROVENANCE[field]


def test_editor_cannot_add_to_own_dossier():
    editor = factories.User()
    agency = factories.Organization(
        agency_kind="provincial_committee", province_code="15", users=[{"name": editor["name"], "capacity": "editor"}]
    )
    dossier = valid_dossier(agency["id"], harvest_source_url="https://forged.example")
    created = helpers.call_action("package_create", context={"user": editor["name"], "ignore_auth": False}, **dossier)
    assert "harvest_source_url" not in created


def test_sysadmin_can_clear(editor_and_dossier):
    _, dossier = editor_and_dossier
    sysadmin = factories.Sysadmin()
    updated = helpers.call_action("package_update", context={"user": sysadmin["name"], "ignore_auth": False}, **dict(dossier, harvest_source_url=""))
    assert "harvest_source_url" not in updated


def test_kept_through_web_form(app, editor_and_dossier):
    editor, dossier = editor_and_dossier
    login(app, editor)
    url = f"/ho-so-quy-hoach/edit/{dossier['name']}"
    form = {key: value for key, value in _without_provenance(dossier).items() if isinstance(value, (str, int))}
    form.update(
        province_codes=dossier["province_codes"],
        notes="Bổ sung thuyết minh",
        save="",
        _csrf_token=csrf_token(app.get(url).get_data(as_text=True)),
    )
    app.post(url, data=form)
    stored = helpers.call_action("package_show", id=dossier["id"])
    assert stored["notes"] == "Bổ sung thuyết minh"
    assert stored["harvest_remote_url"] == PROVENANCE["harvest_remote_url"]


@pytest.mark.parametrize("field, value", [("name", "Bản đồ quy hoạch"), ("map_theme", "Sử dụng đất"), ("map_scale", "1:100000")])
def test_editor_resource_field_kept(editor_and_dossier, field, value):
    editor, dossier = editor_and_dossier
    resource = helpers.call_action(
        "resource_create", context={"user": editor["name"], "ignore_auth": False},
        package_id=dossier["id"], url="https://quyhoach.laocai.gov.vn/ban-do.pdf", document_role="map", **{field: value},
    )
    assert resource[field] == value
