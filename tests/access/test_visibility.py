"""The visibility rule on every surface: roles x surfaces x secrecy levels, with zero leaks.

Each dossier's title carries a marker word (BIMAT<level>) and each file's
name another (TEPMAT<level>); a surface leaks when the marker of something a
role may not see appears in its response. Requests go through CKAN's real
app, Solr and PostgreSQL, authenticated with each role's API token.
"""

from __future__ import annotations

import json
import re
from typing import Callable

import pytest
from ckan.tests import helpers

from ckanext.quyhoach.access import levels

from .world import OWNER, ROLES, World, dataset_marker, expected_resource, file_marker, sees_level

LEVELS = list(levels.LEVELS)
SIGNED_IN = [role for role in ROLES if role != "anonymous"]


def _get(world: World, role: str, path: str, **kwargs):
    return world.app.get(path, headers=world.headers(role), **kwargs)


def _post_json(world: World, role: str, action: str, payload: dict):
    return world.app.post(f"/api/3/action/{action}", json=payload, headers=world.headers(role))


def _text(response) -> str:
    return response.get_data(as_text=True)


def _name(level: str) -> str:
    return f"ho-so-{level.replace('_', '-')}"


# Surfaces that show a dossier: each returns True when the role's response shows it.
def _package_show(world: World, role: str, level: str) -> bool:
    return _get(world, role, f"/api/3/action/package_show?id={_name(level)}").status_code == 200


def _dataset_page(world: World, role: str, level: str) -> bool:
    return _get(world, role, f"/ho-so-quy-hoach/{_name(level)}").status_code == 200


def _dataset_page_generic_route(world: World, role: str, level: str) -> bool:
    return _get(world, role, f"/dataset/{_name(level)}").status_code == 200


def _search_api(world: World, role: str, level: str) -> bool:
    result = _post_json(world, role, "package_search", {"q": dataset_marker(level), "include_private": True}).json
    return result["result"]["count"] > 0


def _search_api_fl(world: World, role: str, level: str) -> bool:
    payload = {"q": "*:*", "fl": "name,title", "rows": 100, "include_private": True}
    return dataset_marker(level) in json.dumps(_post_json(world, role, "package_search", payload).json)


def _link(level: str) -> str:
    # The search box and feed links repeat the query, so look for the dossier's link.
    return f'/{_name(level)}"'


def _comparable(response, name: str) -> tuple[int, str]:
    # Pages carry a time-stamped CSRF token, which differs between any two requests.
    text = re.sub(r"[A-Za-z0-9._-]{40,}", "TOKEN", _text(response).replace(name, "X"))
    return response.status_code, text


def _search_page(world: World, role: str, level: str) -> bool:
    return _link(level) in _text(_get(world, role, f"/ho-so-quy-hoach/?q={dataset_marker(level)}"))


def _autocomplete(world: World, role: str, level: str) -> bool:
    response = _get(world, role, f"/api/3/action/package_autocomplete?q={dataset_marker(level)}")
    return bool(response.json["result"])


def _package_activity(world: World, role: str, level: str) -> bool:
    return _get(world, role, f"/api/3/action/package_activity_list?id={_name(level)}").status_code == 200


def _organization_activity(world: World, role: str, level: str) -> bool:
    return dataset_marker(level) in _text(_get(world, role, f"/api/3/action/organization_activity_list?id={OWNER}&limit=100"))


def _organization_page(world: World, role: str, level: str) -> bool:
    return dataset_marker(level) in _text(_get(world, role, f"/organization/{OWNER}"))


def _organization_show(world: World, role: str, level: str) -> bool:
    response = _get(world, role, f"/api/3/action/organization_show?id={OWNER}&include_datasets=true")
    return dataset_marker(level) in json.dumps(response.json)


def _follower_count(world: World, role: str, level: str) -> bool:
    return _get(world, role, f"/api/3/action/dataset_follower_count?id={_name(level)}").status_code == 200


def _resource_show_of_dossier(world: World, role: str, level: str) -> bool:
    resource_id = world.datasets[level]["resources"][0]["id"]
    return _get(world, role, f"/api/3/action/resource_show?id={resource_id}").status_code == 200


def _dossier_file_download(world: World, role: str, level: str) -> bool:
    return _get(world, role, world.datasets[level]["resources"][0]["url"].replace("http://test.ckan.net", "")).status_code == 200


# Surfaces that must show a dossier to exactly the roles that may see it.
EXACT_SURFACES: dict[str, Callable[[World, str, str], bool]] = {
    "package_show": _package_show,
    "dataset_page": _dataset_page,
    "dataset_page_generic_route": _dataset_page_generic_route,
    "package_search": _search_api,
    "package_search_fl": _search_api_fl,
    "search_page": _search_page,
    "dataset_autocomplete": _autocomplete,
    "package_activity_list": _package_activity,
    "organization_page": _organization_page,
    "dataset_follower_count": _follower_count,
    "resource_show_of_dossier": _resource_show_of_dossier,
    "file_download_of_dossier": _dossier_file_download,
}


def _hides(surface: str) -> Callable[[World, str, str], bool]:
    def shows(world: World, role: str, level: str) -> bool:
        paths = {
            "home_page": "/",
            "atom_recent": "/feeds/dataset.atom",
            "atom_organization": f"/feeds/organization/{OWNER}.atom",
            "atom_custom": f"/feeds/custom.atom?q=title:{dataset_marker(level)}",
            "package_list": "/api/3/action/package_list",
            "current_package_list": "/api/3/action/current_package_list_with_resources?limit=100",
            "recently_changed_activity": "/api/3/action/recently_changed_packages_activity_list?limit=100",
            "user_activity_of_creator": "/api/3/action/user_activity_list?id=quan-tri&limit=100",
            "dashboard_activity": "/api/3/action/dashboard_activity_list?limit=100",
            "group_list": "/api/3/action/organization_list?all_fields=true",
        }
        text = _text(_get(world, role, paths[surface]))
        if surface == "atom_custom":
            return f"Quy hoạch {dataset_marker(level)}" in text
        return dataset_marker(level) in text

    return shows


HIDING_SURFACES = [
    "home_page", "atom_recent", "atom_organization", "atom_custom",
    "package_list", "current_package_list", "recently_changed_activity", "user_activity_of_creator",
    "dashboard_activity", "group_list",
]


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("surface", list(EXACT_SURFACES))
def test_dossier_surface(world, surface, role, level):
    shown = EXACT_SURFACES[surface](world, role, level)

    assert shown == sees_level(role, level), f"{surface}: {role} {'sees' if shown else 'misses'} a {level} dossier"


HIDDEN_CASES = [(role, level) for role in ROLES for level in LEVELS if not sees_level(role, level)]


@pytest.mark.parametrize(("role", "level"), HIDDEN_CASES, ids=[f"{r}-{lvl}" for r, lvl in HIDDEN_CASES])
@pytest.mark.parametrize("surface", HIDING_SURFACES)
def test_dossier_hidden_on_listing(world, surface, role, level):
    assert not _hides(surface)(world, role, level)


@pytest.mark.parametrize(("role", "level"), HIDDEN_CASES, ids=[f"{r}-{lvl}" for r, lvl in HIDDEN_CASES])
def test_featured_organization_hides_dossier(world, role, level):
    # The home page's featured organization calls organization_show with
    # ignore_auth and the visitor as user (ckan.lib.helpers.featured_group_org).
    user = world.users[role]["name"] if role in world.users else ""
    context = {"ignore_auth": True, "user": user, "limits": {"packages": 20}, "for_view": True}
    shown = helpers.call_action("organization_show", context, id=OWNER, include_datasets=True)

    assert dataset_marker(level) not in json.dumps(shown)


# CKAN lists only datasets with private=False in organization activity, and
# shows an agency's private datasets only to its members on organization_show;
# non-public dossiers are private, so there a cleared outsider gets only public ones.
def _org_listing_expected(role: str, level: str) -> bool:
    if role in ("member_owning_agency", "sysadmin"):
        return sees_level(role, level)
    return level == "public"


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("role", ROLES)
def test_organization_show_lists_by_level(world, role, level):
    assert _organization_show(world, role, level) == _org_listing_expected(role, level)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("role", ROLES)
def test_organization_activity_by_level(world, role, level):
    assert _organization_activity(world, role, level) == (level == "public")


def _dcat(world: World, role: str, path: str):
    response = _get(world, role, path)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ["/catalog.ttl", "/catalog.rdf", "/catalog.jsonld"], ids=["ttl", "rdf", "jsonld"])
def test_dcat_catalog_lists_public_dossier(world, path, role):
    assert dataset_marker("public") in _text(_dcat(world, role, path))


@pytest.mark.parametrize(("role", "level"), HIDDEN_CASES, ids=[f"{r}-{lvl}" for r, lvl in HIDDEN_CASES])
@pytest.mark.parametrize("path", ["/catalog.ttl", "/catalog.rdf", "/catalog.jsonld"], ids=["ttl", "rdf", "jsonld"])
def test_dcat_catalog_hides_dossier(world, path, role, level):
    assert dataset_marker(level) not in _text(_dcat(world, role, path))


@pytest.mark.parametrize(("role", "level"), HIDDEN_CASES, ids=[f"{r}-{lvl}" for r, lvl in HIDDEN_CASES])
def test_dcat_datasets_list_hides_dossier(world, role, level):
    assert dataset_marker(level) not in _text(_get(world, role, "/api/3/action/dcat_datasets_list?q=*:*"))


@pytest.mark.parametrize(("role", "level"), HIDDEN_CASES, ids=[f"{r}-{lvl}" for r, lvl in HIDDEN_CASES])
@pytest.mark.parametrize(
    "path",
    ["/api/3/action/package_show?id={}", "/ho-so-quy-hoach/{}", "/dataset/{}.ttl", "/api/3/action/package_activity_list?id={}"],
    ids=["package_show", "dataset_page", "dcat_ttl", "activity_list"],
)
def test_hidden_dossier_answers_like_missing_one(world, path, role, level):
    hidden = _get(world, role, path.format(_name(level)))
    missing = _get(world, role, path.format("ho-so-khong-ton-tai"))

    assert _comparable(hidden, _name(level)) == _comparable(missing, "ho-so-khong-ton-tai")


@pytest.mark.parametrize("role", ROLES)
def test_search_facet_counts_only_visible(world, role):
    payload = {"q": "*:*", "facet.field": ["organization"], "include_private": True, "rows": 0}
    facets = _post_json(world, role, "package_search", payload).json["result"]["search_facets"]
    count = {item["name"]: item["count"] for item in facets["organization"]["items"]}.get(OWNER, 0)
    visible = 1 + sum(sees_level(role, level) for level in LEVELS)

    assert count == visible


@pytest.mark.parametrize("role", ROLES)
def test_search_total_only_visible(world, role):
    result = _post_json(world, role, "package_search", {"q": "*:*", "include_private": True, "rows": 0}).json["result"]

    assert result["count"] == 1 + sum(sees_level(role, level) for level in LEVELS)


@pytest.mark.parametrize("role", ROLES)
def test_organization_dataset_count_only_visible(world, role):
    result = _get(world, role, f"/api/3/action/organization_show?id={OWNER}").json["result"]

    assert result["package_count"] == 1 + sum(_org_listing_expected(role, level) for level in LEVELS)


@pytest.mark.parametrize("role", ROLES)
def test_search_permission_label_facet_only_visible(world, role):
    payload = {"q": "*:*", "facet.field": ["permission_labels"], "include_private": True, "rows": 0}
    facets = _post_json(world, role, "package_search", payload).json["result"]["facets"]["permission_labels"]
    hidden_labels = {f"quyhoach-clearance-{lvl}" for lvl in LEVELS[1:] if not sees_level(role, lvl)}

    assert not hidden_labels & set(facets)


# Files of a public dossier ---------------------------------------------------------------------


def _resource_status(world: World, role: str, level: str) -> tuple[int, str]:
    response = _get(world, role, f"/api/3/action/resource_show?id={world.resources[level]['id']}")
    if response.status_code != 200:
        return response.status_code, "hidden"
    return 200, "full" if response.json["result"]["url"] else "stub"


RESOURCE_CASES = [(role, level) for role in ROLES for level in LEVELS[1:]]
RESOURCE_IDS = [f"{r}-{lvl}" for r, lvl in RESOURCE_CASES]


@pytest.mark.parametrize(("role", "level"), RESOURCE_CASES, ids=RESOURCE_IDS)
def test_resource_show_by_level(world, role, level):
    assert _resource_status(world, role, level)[1] == expected_resource(role, level)


@pytest.mark.parametrize(("role", "level"), RESOURCE_CASES, ids=RESOURCE_IDS)
def test_package_show_lists_file_by_level(world, role, level):
    resources = _get(world, role, "/api/3/action/package_show?id=ho-so-cong-khai").json["result"]["resources"]
    found = [res for res in resources if res["id"] == world.resources[level]["id"]]
    if not found:
        seen = "hidden"
    else:
        seen = "full" if found[0]["url"] else "stub"

    assert seen == expected_resource(role, level)


DOWNLOAD_STATUS = {"full": 200, "stub": 403, "hidden": 404}


@pytest.mark.parametrize(("role", "level"), RESOURCE_CASES, ids=RESOURCE_IDS)
def test_download_by_level(world, role, level):
    path = world.resources[level]["url"].replace("http://test.ckan.net", "")

    assert _get(world, role, path).status_code == DOWNLOAD_STATUS[expected_resource(role, level)]


@pytest.mark.parametrize(("role", "level"), RESOURCE_CASES, ids=RESOURCE_IDS)
def test_guessed_download_url_by_level(world, role, level):
    resource_id = world.resources[level]["id"]
    status = _get(world, role, f"/dataset/ho-so-public/resource/{resource_id}/download/doan.pdf").status_code

    assert (status == 200) == (expected_resource(role, level) == "full")


@pytest.mark.parametrize(("role", "level"), RESOURCE_CASES, ids=RESOURCE_IDS)
def test_search_results_carry_file_by_level(world, role, level):
    payload = {"q": "name:ho-so-cong-khai", "include_private": True}
    text = json.dumps(_post_json(world, role, "package_search", payload).json)
    download = world.resources[level]["url"]

    assert (download in text) == (expected_resource(role, level) == "full")


@pytest.mark.parametrize(("role", "level"), RESOURCE_CASES, ids=RESOURCE_IDS)
@pytest.mark.parametrize("fields", ["validated_data_dict", "data_dict", "res_url", "res_name"])
def test_search_fl_fields_hide_file(world, fields, role, level):
    payload = {"q": "name:ho-so-cong-khai", "fl": f"name,{fields}", "include_private": True}
    text = json.dumps(_post_json(world, role, "package_search", payload).json)
    if fields in ("validated_data_dict", "data_dict"):
        expected = expected_resource(role, level) != "hidden"
    elif fields == "res_name":
        # The index keeps the name of a restricted file, whose stub is public.
        expected = level == "restricted"
    else:
        expected = False

    assert (file_marker(level) in text) == expected


@pytest.mark.parametrize(("role", "level"), RESOURCE_CASES, ids=RESOURCE_IDS)
def test_dataset_page_shows_file_by_level(world, role, level):
    text = _text(_get(world, role, "/ho-so-quy-hoach/ho-so-cong-khai"))

    assert (file_marker(level) in text) == (expected_resource(role, level) != "hidden")


@pytest.mark.parametrize(("role", "level"), RESOURCE_CASES, ids=RESOURCE_IDS)
def test_resource_page_by_level(world, role, level):
    response = _get(world, role, f"/ho-so-quy-hoach/ho-so-cong-khai/resource/{world.resources[level]['id']}")
    outcome = {200: "shown", 404: "hidden"}.get(response.status_code, str(response.status_code))

    assert outcome == ("hidden" if expected_resource(role, level) == "hidden" else "shown")


@pytest.mark.parametrize("level", ["restricted"])
@pytest.mark.parametrize("role", [r for r in ROLES if expected_resource(r, "restricted") == "stub"])
def test_resource_page_offers_request_for_stub(world, role, level):
    text = _text(_get(world, role, f"/ho-so-quy-hoach/ho-so-cong-khai/resource/{world.resources[level]['id']}"))

    assert "request-access" in text


@pytest.mark.parametrize("level", LEVELS[1:])
@pytest.mark.parametrize("role", ROLES)
def test_activity_never_stores_withheld_file(world, role, level):
    text = _text(_get(world, role, "/api/3/action/package_activity_list?id=ho-so-cong-khai&limit=100"))

    assert world.resources[level]["url"] not in text


# Other surfaces ---------------------------------------------------------------------------------


def test_datastore_action_unknown(world):
    response = world.app.post("/api/3/action/datastore_search", json={"resource_id": world.resources["mat"]["id"]})

    assert response.status_code == 400


def test_datastore_dump_unreachable(world):
    assert world.app.get(f"/datastore/dump/{world.resources['mat']['id']}").status_code == 404


def test_sysadmin_sees_every_level(world):
    result = _post_json(world, "sysadmin", "package_search", {"q": "*:*", "include_private": True, "rows": 0}).json

    assert result["result"]["count"] == 1 + len(LEVELS)


def test_harvester_sees_only_anonymous_view(world, live_server):
    from ckanext.harvest.harvesters.ckanharvester import CKANHarvester

    harvester = CKANHarvester()
    harvester.config = {}
    names = sorted(package["name"] for package in harvester._search_for_datasets(live_server))
    anonymous = helpers.call_action("package_search", {"user": ""}, q="*:*", rows=100)["results"]

    assert names == sorted(package["name"] for package in anonymous)


def test_harvester_gets_no_withheld_file(world, live_server):
    from ckanext.harvest.harvesters.ckanharvester import CKANHarvester

    harvester = CKANHarvester()
    harvester.config = {}
    packages = harvester._search_for_datasets(live_server)
    text = json.dumps(packages)

    assert all(world.resources[level]["url"] not in text for level in LEVELS[1:])
