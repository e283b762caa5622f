"""Clearances, classification limits, hidden resources on update, API token scopes and CSRF."""

from __future__ import annotations

import pytest
from ckan import model
from ckan.plugins import toolkit as tk
from ckan.tests import helpers

from ckanext.quyhoach.access import levels

from .flow import Flow, as_user, build_flow, csrf_token, download_path, login
from .world import dossier


@pytest.fixture
def flow(clean_db, clean_index) -> Flow:
    return build_flow()


class TestLevels:
    @pytest.mark.parametrize(
        ("level", "expected"),
        [(None, 0), ("", 0), ("public", 0), ("restricted", 1), ("mat", 2), ("toi_mat", 3), ("tuyet_mat", 4), ("MAT", 4), ("bi-mat", 4)],
        ids=["none", "empty", "public", "restricted", "mat", "toi_mat", "tuyet_mat", "wrong_case", "unknown"],
    )
    def test_rank(self, level, expected):
        assert levels.rank(level) == expected

    @pytest.mark.parametrize(
        ("clearance", "expected"),
        [
            ("public", []),
            ("restricted", ["quyhoach-clearance-restricted"]),
            ("toi_mat", ["quyhoach-clearance-restricted", "quyhoach-clearance-mat", "quyhoach-clearance-toi_mat"]),
        ],
        ids=["public", "restricted", "toi_mat"],
    )
    def test_clearance_labels_cover_lower_levels(self, clearance, expected):
        assert levels.labels_for_clearance(clearance) == expected

    def test_restricted_dataset_labels_include_members(self):
        assert levels.dataset_level_labels("restricted", "org-1") == ["quyhoach-clearance-restricted", "member-org-1"]

    def test_secret_dataset_labels_exclude_members(self):
        assert levels.dataset_level_labels("mat", "org-1") == ["quyhoach-clearance-mat"]


class TestClearance:
    def test_set_records_who(self, flow):
        result = helpers.call_action("quyhoach_clearance_set", as_user(flow.sysadmin), user=flow.requester["name"], level="mat", note="QĐ 12/QĐ-BTC")

        assert (result["level"], result["granted_by"], result["note"]) == ("mat", flow.sysadmin["name"], "QĐ 12/QĐ-BTC")

    def test_set_records_when(self, flow):
        result = helpers.call_action("quyhoach_clearance_set", as_user(flow.sysadmin), user=flow.requester["name"], level="mat")

        assert result["granted_at"]

    def test_invalid_level_rejected(self, flow):
        with pytest.raises(tk.ValidationError) as error:
            helpers.call_action("quyhoach_clearance_set", as_user(flow.sysadmin), user=flow.requester["name"], level="secret")

        assert "level" in error.value.error_dict

    def test_agency_admin_cannot_set(self, flow):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("quyhoach_clearance_set", as_user(flow.admin), user=flow.requester["name"], level="mat")

    def test_clearance_opens_secret_file(self, flow, app):
        helpers.call_action("quyhoach_clearance_set", as_user(flow.sysadmin), user=flow.requester["name"], level="mat")

        assert app.get(download_path(flow.secret), headers=flow.headers("requester")).status_code == 200

    def test_revoke_closes_secret_file(self, flow, app):
        context = as_user(flow.sysadmin)
        helpers.call_action("quyhoach_clearance_set", context, user=flow.requester["name"], level="mat")
        helpers.call_action("quyhoach_clearance_revoke", context, user=flow.requester["name"])

        assert app.get(download_path(flow.secret), headers=flow.headers("requester")).status_code == 404

    def test_user_sees_own_clearance(self, flow):
        shown = helpers.call_action("quyhoach_clearance_show", as_user(flow.requester), user=flow.requester["name"])

        assert shown["level"] == "public"

    def test_user_cannot_see_others_clearance(self, flow):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("quyhoach_clearance_show", as_user(flow.requester), user=flow.admin["name"])

    def test_clearance_page_sets_level(self, flow, app):
        login(app, flow.sysadmin)
        token = csrf_token(app.get("/ckan-admin/clearances").get_data(as_text=True))
        app.post("/ckan-admin/clearances", data={"user": flow.requester["name"], "level": "toi_mat", "note": "", "_csrf_token": token})
        listed = helpers.call_action("quyhoach_clearance_list", as_user(flow.sysadmin))

        assert [(row["user"], row["level"]) for row in listed] == [(flow.requester["name"], "toi_mat")]

    def test_clearance_page_forbidden_to_others(self, flow, app):
        assert app.get("/ckan-admin/clearances", headers=flow.headers("admin")).status_code == 403


class TestClassification:
    def test_member_cannot_classify_above_own_level(self, flow):
        with pytest.raises(tk.ValidationError) as error:
            helpers.call_action("package_patch", as_user(flow.member), id=flow.dataset["id"], secrecy_level="mat")

        assert "secrecy_level" in error.value.error_dict

    def test_member_can_mark_restricted(self, flow):
        patched = helpers.call_action("package_patch", as_user(flow.member), id=flow.dataset["id"], secrecy_level="restricted")

        assert patched["secrecy_level"] == "restricted"

    def test_resource_above_own_level_rejected(self, flow):
        with pytest.raises(tk.ValidationError) as error:
            helpers.call_action(
                "resource_create", as_user(flow.member), package_id=flow.dataset["id"], name="x",
                document_role="other", secrecy_level="toi_mat", url="https://example.org/x.pdf",
            )

        assert "secrecy_level" in str(error.value.error_dict)

    def test_non_public_dossier_made_private(self, flow):
        patched = helpers.call_action("package_patch", as_user(flow.member), id=flow.dataset["id"], secrecy_level="restricted")

        assert patched["private"] is True

    def test_uncleared_editor_update_keeps_hidden_file(self, flow):
        helpers.call_action("package_patch", as_user(flow.member), id=flow.dataset["id"], title="Tên mới")
        stored = helpers.call_action("package_show", as_user(flow.sysadmin), id=flow.dataset["id"])

        assert flow.secret["id"] in [res["id"] for res in stored["resources"]]

    def test_uncleared_editor_full_update_keeps_hidden_file(self, flow):
        shown = helpers.call_action("package_show", as_user(flow.member), id=flow.dataset["id"])
        helpers.call_action("package_update", as_user(flow.member), **dict(shown, title="Tên mới"))
        stored = helpers.call_action("package_show", as_user(flow.sysadmin), id=flow.dataset["id"])

        assert flow.secret["id"] in [res["id"] for res in stored["resources"]]

    def test_uncleared_editor_cannot_edit_hidden_file(self, flow):
        with pytest.raises(tk.ObjectNotFound):
            helpers.call_action("resource_patch", as_user(flow.member), id=flow.secret["id"], name="đổi tên")

    def test_uncleared_editor_cannot_delete_hidden_file(self, flow):
        with pytest.raises(tk.ObjectNotFound):
            helpers.call_action("resource_delete", as_user(flow.member), id=flow.secret["id"])

    def test_editor_cannot_patch_secret_dossier_blind(self, flow):
        secret = helpers.call_action(
            "package_create", as_user(flow.sysadmin), **dossier("ho-so-mat-2", "Hồ sơ mật 2", "mat", "co-quan-so-huu")
        )

        with pytest.raises(tk.ObjectNotFound):
            helpers.call_action("package_patch", as_user(flow.member), id=secret["id"], title="đổi")

    def test_classifying_hides_past_activity(self, flow, app):
        helpers.call_action("package_patch", as_user(flow.sysadmin), id=flow.dataset["id"], secrecy_level="mat")
        text = app.get("/api/3/action/organization_activity_list?id=co-quan-so-huu").get_data(as_text=True)

        assert flow.dataset["title"] not in text


class TestTokens:
    def _token(self, flow: Flow, user: str, scope: str | None) -> str:
        payload = {"user": user, "name": "he-thong-khac"}
        if scope:
            payload["scope"] = scope
        return helpers.call_action("api_token_create", {"user": user}, **payload)["token"]

    def test_read_token_reads(self, flow, app):
        token = self._token(flow, flow.member["name"], "read")
        response = app.get(f"/api/3/action/package_show?id={flow.dataset['id']}", headers={"Authorization": token})

        assert response.status_code == 200

    def test_read_token_cannot_write(self, flow, app):
        token = self._token(flow, flow.member["name"], "read")
        response = app.post("/api/3/action/package_patch", json={"id": flow.dataset["id"], "title": "x"}, headers={"Authorization": token})

        assert response.status_code == 403

    def test_read_token_leaves_dataset_unchanged(self, flow, app):
        token = self._token(flow, flow.member["name"], "read")
        app.post("/api/3/action/package_patch", json={"id": flow.dataset["id"], "title": "x"}, headers={"Authorization": token})

        assert model.Package.get(flow.dataset["id"]).title == flow.dataset["title"]

    def test_read_token_may_search_by_post(self, flow, app):
        token = self._token(flow, flow.member["name"], "read")
        response = app.post("/api/3/action/package_search", json={"q": "*:*"}, headers={"Authorization": token})

        assert response.status_code == 200

    def test_write_token_writes(self, flow, app):
        token = self._token(flow, flow.member["name"], "write")
        response = app.post("/api/3/action/package_patch", json={"id": flow.dataset["id"], "title": "Tên mới"}, headers={"Authorization": token})

        assert response.status_code == 200

    def test_token_never_exceeds_user(self, flow, app):
        token = self._token(flow, flow.requester["name"], None)

        assert app.get(download_path(flow.secret), headers={"Authorization": token}).status_code == 404

    def test_invalid_scope_rejected(self, flow):
        with pytest.raises(tk.ValidationError) as error:
            self._token(flow, flow.member["name"], "admin")

        assert "scope" in error.value.error_dict


class TestCsrf:
    def test_form_without_csrf_token_rejected(self, flow, app):
        login(app, flow.member)
        response = app.post(f"/dataset/edit/{flow.dataset['name']}", data={"title": "x", "save": ""})

        assert response.status_code in (400, 403)

    def test_token_on_web_form_rejected(self, flow, app):
        response = app.post(f"/dataset/edit/{flow.dataset['name']}", data={"title": "x", "save": ""}, headers=flow.headers("member"))

        assert response.status_code in (400, 403)

    def test_token_on_web_form_changes_nothing(self, flow, app):
        app.post(f"/dataset/edit/{flow.dataset['name']}", data={"title": "Sửa bằng token", "save": ""}, headers=flow.headers("member"))

        assert model.Package.get(flow.dataset["id"]).title == flow.dataset["title"]

    def test_form_stays_protected_after_token_post(self, flow, app):
        app.post(f"/dataset/edit/{flow.dataset['name']}", data={"title": "x", "save": ""}, headers=flow.headers("member"))
        login(app, flow.member)
        app.post(f"/dataset/edit/{flow.dataset['name']}", data={"title": "Bị sửa qua CSRF", "save": ""})

        assert model.Package.get(flow.dataset["id"]).title == flow.dataset["title"]

    def test_api_with_token_needs_no_csrf(self, flow, app):
        response = app.post("/api/3/action/package_patch", json={"id": flow.dataset["id"], "notes": "mới"}, headers=flow.headers("member"))

        assert response.status_code == 200
