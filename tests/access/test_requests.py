"""Access requests end to end through the API: ask, approve or refuse, download, expire, audit."""

from __future__ import annotations

import asyncore
import email
import datetime as dt
import smtpd
import threading
import warnings

import pytest
from ckan import model
from ckan.plugins import toolkit as tk
from ckan.tests import helpers

from ckanext.quyhoach.access.model import AccessRequest

from .flow import Flow, as_user, build_flow, download_path

REASON = "Cần bản đồ để lập dự án đầu tư công"


@pytest.fixture
def flow(clean_db, clean_index) -> Flow:
    return build_flow()


def _ask(flow: Flow, reason: str = REASON) -> dict:
    return helpers.call_action(
        "quyhoach_access_request_create", as_user(flow.requester), resource_id=flow.restricted["id"], reason=reason
    )


def _approve(flow: Flow, request_id: str, days: int = 7) -> dict:
    return helpers.call_action("quyhoach_access_request_approve", as_user(flow.admin), id=request_id, days=days)


class TestAccessRequestCreate:
    def test_pending_after_request(self, flow):
        assert _ask(flow)["status"] == "pending"

    def test_short_reason_rejected(self, flow):
        with pytest.raises(tk.ValidationError) as error:
            _ask(flow, reason="cần")

        assert "reason" in error.value.error_dict

    def test_duplicate_pending_rejected(self, flow):
        _ask(flow)

        with pytest.raises(tk.ValidationError) as error:
            _ask(flow)

        assert "resource_id" in error.value.error_dict

    def test_secret_file_answers_not_found(self, flow):
        with pytest.raises(tk.ObjectNotFound):
            helpers.call_action(
                "quyhoach_access_request_create", as_user(flow.requester), resource_id=flow.secret["id"], reason=REASON
            )

    def test_member_needs_no_request(self, flow):
        with pytest.raises(tk.ValidationError):
            helpers.call_action(
                "quyhoach_access_request_create", as_user(flow.member), resource_id=flow.restricted["id"], reason=REASON
            )

    def test_anonymous_rejected_over_http(self, flow, app):
        response = app.post(
            "/api/3/action/quyhoach_access_request_create", json={"resource_id": flow.restricted["id"], "reason": REASON}
        )

        assert response.status_code == 403


class TestAccessRequestDecide:
    def test_approve_sets_expiry(self, flow):
        approved = _approve(flow, _ask(flow)["id"], days=7)
        expires = dt.datetime.fromisoformat(approved["expires_at"])

        assert dt.timedelta(days=6, hours=23) < expires - dt.datetime.utcnow() <= dt.timedelta(days=7)

    def test_other_agency_admin_cannot_approve(self, flow):
        request_id = _ask(flow)["id"]

        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("quyhoach_access_request_approve", as_user(flow.other_admin), id=request_id, days=7)

    def test_editor_cannot_approve(self, flow):
        request_id = _ask(flow)["id"]

        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("quyhoach_access_request_approve", as_user(flow.member), id=request_id, days=7)

    @pytest.mark.parametrize("days", [0, -1, "mot", 366], ids=["zero", "negative", "text", "above_max"])
    def test_invalid_days_rejected(self, flow, days):
        request_id = _ask(flow)["id"]

        with pytest.raises(tk.ValidationError) as error:
            _approve(flow, request_id, days=days)

        assert "days" in error.value.error_dict

    def test_refuse_needs_reason(self, flow):
        request_id = _ask(flow)["id"]

        with pytest.raises(tk.ValidationError) as error:
            helpers.call_action("quyhoach_access_request_refuse", as_user(flow.admin), id=request_id, reason="")

        assert "reason" in error.value.error_dict

    def test_refused_keeps_reason(self, flow):
        request_id = _ask(flow)["id"]
        refused = helpers.call_action(
            "quyhoach_access_request_refuse", as_user(flow.admin), id=request_id, reason="Chưa được công bố"
        )

        assert (refused["status"], refused["decision_reason"]) == ("refused", "Chưa được công bố")

    def test_decided_request_cannot_be_decided_again(self, flow):
        request_id = _ask(flow)["id"]
        _approve(flow, request_id)

        with pytest.raises(tk.ValidationError):
            _approve(flow, request_id)

    def test_admin_lists_requests_to_decide(self, flow):
        request_id = _ask(flow)["id"]
        rows = helpers.call_action("quyhoach_access_request_list", as_user(flow.admin), scope="to_decide")

        assert [row["id"] for row in rows] == [request_id]

    def test_other_admin_lists_nothing_to_decide(self, flow):
        _ask(flow)
        rows = helpers.call_action("quyhoach_access_request_list", as_user(flow.other_admin), scope="to_decide")

        assert rows == []


class TestGrantedDownload:
    def test_withheld_before_approval(self, flow, app):
        _ask(flow)

        assert app.get(download_path(flow.restricted), headers=flow.headers("requester")).status_code == 403

    def test_downloads_after_approval(self, flow, app):
        _approve(flow, _ask(flow)["id"])

        assert app.get(download_path(flow.restricted), headers=flow.headers("requester")).status_code == 200

    def test_resource_show_has_url_after_approval(self, flow):
        _approve(flow, _ask(flow)["id"])
        shown = helpers.call_action("resource_show", as_user(flow.requester), id=flow.restricted["id"])

        assert shown["url"].endswith(".pdf")

    def test_refused_stays_withheld(self, flow, app):
        request_id = _ask(flow)["id"]
        helpers.call_action("quyhoach_access_request_refuse", as_user(flow.admin), id=request_id, reason="Không")

        assert app.get(download_path(flow.restricted), headers=flow.headers("requester")).status_code == 403

    def test_grant_expires_by_itself(self, flow, app):
        request_id = _approve(flow, _ask(flow)["id"])["id"]
        row = model.Session.get(AccessRequest, request_id)
        row.expires_at = dt.datetime.utcnow() - dt.timedelta(minutes=1)
        model.Session.commit()

        assert app.get(download_path(flow.restricted), headers=flow.headers("requester")).status_code == 403

    def test_expired_grant_reports_expired(self, flow):
        request_id = _approve(flow, _ask(flow)["id"])["id"]
        row = model.Session.get(AccessRequest, request_id)
        row.expires_at = dt.datetime.utcnow() - dt.timedelta(minutes=1)
        model.Session.commit()
        shown = helpers.call_action("quyhoach_access_request_show", as_user(flow.requester), id=request_id)

        assert shown["status"] == "expired"

    def test_grant_does_not_open_secret_file(self, flow, app):
        _approve(flow, _ask(flow)["id"])

        assert app.get(download_path(flow.secret), headers=flow.headers("requester")).status_code == 404


class _Inbox(smtpd.SMTPServer):
    def __init__(self, port: int):
        super().__init__(("127.0.0.1", port), None)
        self.messages: list[tuple[str, list[str], str]] = []

    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        self.messages.append((mailfrom, rcpttos, data.decode("utf-8", "replace") if isinstance(data, bytes) else data))


@pytest.fixture
def inbox():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        server = _Inbox(52525)
    thread = threading.Thread(target=asyncore.loop, kwargs={"timeout": 0.1}, daemon=True)
    thread.start()
    yield server
    server.close()
    thread.join(timeout=5)


@pytest.mark.ckan_config("smtp.server", "127.0.0.1:52525")
@pytest.mark.ckan_config("smtp.mail_from", "quyhoach@example.org")
class TestNotifications:
    def test_admin_told_of_new_request(self, flow, inbox):
        _ask(flow)

        assert ["admin@example.org"] in [rcpt for _sender, rcpt, _data in inbox.messages]

    def test_requester_told_of_approval(self, flow, inbox):
        _approve(flow, _ask(flow)["id"])

        assert ["requester@example.org"] in [rcpt for _sender, rcpt, _data in inbox.messages]

    def test_requester_told_refusal_reason(self, flow, inbox):
        request_id = _ask(flow)["id"]
        helpers.call_action("quyhoach_access_request_refuse", as_user(flow.admin), id=request_id, reason="Hồ sơ đang thẩm định")
        mail = [data for _sender, rcpt, data in inbox.messages if rcpt == ["requester@example.org"]]
        body = email.message_from_string(mail[-1]).get_payload(decode=True).decode("utf-8")

        assert "Hồ sơ đang thẩm định" in body


class TestAudit:
    def _events(self, flow: Flow, **filters) -> list[dict]:
        return helpers.call_action("quyhoach_audit_list", as_user(flow.sysadmin), **filters)["results"]

    def test_denied_download_recorded(self, flow, app):
        app.get(download_path(flow.restricted), headers=flow.headers("requester"))
        events = self._events(flow, user_name=flow.requester["name"], action="download")

        assert [event["outcome"] for event in events] == ["denied"]

    def test_granted_download_recorded(self, flow, app):
        _approve(flow, _ask(flow)["id"])
        app.get(download_path(flow.restricted), headers=flow.headers("requester"))
        events = self._events(flow, user_name=flow.requester["name"], action="download")

        assert [event["outcome"] for event in events] == ["grant"]

    def test_member_download_recorded_with_address(self, flow, app):
        app.get(download_path(flow.restricted), headers=flow.headers("member"), environ_base={"REMOTE_ADDR": "10.1.2.3"})
        events = self._events(flow, user_name=flow.member["name"], action="download")

        assert (events[0]["outcome"], events[0]["address"]) == ("allowed", "10.1.2.3")

    def test_sysadmin_bypass_recorded(self, flow, app):
        app.get(download_path(flow.secret), headers=flow.headers("sysadmin"))
        events = self._events(flow, user_name=flow.sysadmin["name"], action="download")

        assert [event["outcome"] for event in events] == ["sysadmin_bypass"]

    def test_decision_recorded(self, flow):
        _approve(flow, _ask(flow)["id"])
        events = self._events(flow, user_name=flow.admin["name"])

        assert [event["action"] for event in events] == ["approve"]

    def test_public_file_not_recorded(self, flow, app):
        public = helpers.call_action(
            "resource_create", as_user(flow.sysadmin), package_id=flow.dataset["id"], name="cong khai",
            document_role="other", secrecy_level="public", url="https://example.org/a.pdf",
        )
        app.get(
            f"/dataset/{flow.dataset['name']}/resource/{public['id']}/download",
            headers=flow.headers("requester"), follow_redirects=False,
        )

        assert self._events(flow, object_id=public["id"]) == []

    def test_filter_by_date(self, flow, app):
        app.get(download_path(flow.restricted), headers=flow.headers("requester"))
        tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()

        assert self._events(flow, since=tomorrow) == []

    def test_invalid_date_rejected(self, flow):
        with pytest.raises(tk.ValidationError) as error:
            self._events(flow, since="hôm qua")

        assert "since" in error.value.error_dict

    def test_only_sysadmin_lists(self, flow):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("quyhoach_audit_list", as_user(flow.admin))

    def test_csv_export_has_header(self, flow, app):
        app.get(download_path(flow.restricted), headers=flow.headers("requester"))
        response = app.get("/ckan-admin/audit.csv?action=download", headers=flow.headers("sysadmin"))

        assert response.get_data(as_text=True).lstrip("\ufeff").splitlines()[0] == (
            "occurred_at,user_name,object_type,object_id,action,outcome,address,detail"
        )

    def test_csv_export_filters_rows(self, flow, app):
        app.get(download_path(flow.restricted), headers=flow.headers("requester"))
        app.get(download_path(flow.restricted), headers=flow.headers("member"))
        response = app.get(f"/ckan-admin/audit.csv?user_name={flow.member['name']}&action=download", headers=flow.headers("sysadmin"))

        assert len(response.get_data(as_text=True).splitlines()) == 2

    def test_csv_export_forbidden_to_agency_admin(self, flow, app):
        assert app.get("/ckan-admin/audit.csv", headers=flow.headers("admin")).status_code == 403

    def test_audit_page_renders_for_sysadmin(self, flow, app):
        app.get(download_path(flow.restricted), headers=flow.headers("requester"))
        text = app.get("/ckan-admin/audit", headers=flow.headers("sysadmin")).get_data(as_text=True)

        assert flow.restricted["id"] in text
