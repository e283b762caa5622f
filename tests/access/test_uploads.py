"""Upload hygiene: file names, inline rendering of active content, size limits and markdown."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from ckan import model
from ckan.tests import factories, helpers

from ckanext.quyhoach.access.uploads import safe_filename

from .world import dossier, pdf_bytes, upload

ACTIVE_EXTENSIONS = ["pdf", "html", "svg", "xml", "txt"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Bản đồ quy hoạch.pdf", "Bản-đồ-quy-hoạch.pdf"),
        ("C:\\Users\\an\\Hồ sơ\\Bản đồ.pdf", "Bản-đồ.pdf"),
        ("/home/an/tai-lieu/Quyết định.pdf", "Quyết-định.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("..", "tep-tin"),
        ("...pdf", "pdf"),
        (".htaccess", "htaccess"),
        ("a<script>b.html", "ascriptb.html"),
        ("ba\u0300n đồ.pdf", "bàn-đồ.pdf"),
        ("tên\x00ẩn\x1f.pdf", "tênẩn.pdf"),
        ("a  b\t\nc.pdf", "a-b-c.pdf"),
        ("báo cáo #1 ?.pdf", "báo-cáo-1.pdf"),
        ("", "tep-tin"),
    ],
    ids=[
        "vietnamese", "windows_path", "posix_path", "dot_dot", "windows_dot_dot", "only_dots", "dots_before_extension",
        "hidden_file", "markup", "combining_marks_nfc", "control_characters", "whitespace", "url_characters", "empty",
    ],
)
def test_safe_filename(raw, expected):
    assert safe_filename(raw) == expected


def test_safe_filename_limits_length():
    assert len(safe_filename("quy-hoạch-" * 40 + ".pdf")) == 120


def test_safe_filename_keeps_extension_when_long():
    assert safe_filename("a" * 300 + ".geojson").endswith(".geojson")


@pytest.fixture
def owner(clean_db, clean_index):
    sysadmin = factories.Sysadmin()
    org = factories.Organization(name="co-quan-tai-len", agency_kind="ministry")
    created = helpers.call_action("package_create", {"user": sysadmin["name"]}, **dossier("ho-so-tai-len", "Hồ sơ tải lên", "public", org["name"]))
    token = helpers.call_action("api_token_create", {"user": sysadmin["name"]}, user=sysadmin["name"], name="t")["token"]
    return {"user": sysadmin, "dataset": created, "token": token}


def _create(owner, content: bytes, filename: str) -> dict:
    return helpers.call_action(
        "resource_create", {"user": owner["user"]["name"]}, package_id=owner["dataset"]["id"], name=filename,
        document_role="other", secrecy_level="public", upload=upload(content, filename),
    )


def _download(app, owner, resource: dict):
    return app.get(resource["url"].replace("http://test.ckan.net", ""), headers={"Authorization": owner["token"]})


class TestFileNames:
    def test_vietnamese_name_stored(self, owner):
        resource = _create(owner, pdf_bytes("x"), "C:\\Users\\an\\Hồ sơ\\Bản đồ quy hoạch.pdf")

        assert model.Resource.get(resource["id"]).url == "Bản-đồ-quy-hoạch.pdf"

    def test_vietnamese_name_in_download(self, owner, app):
        resource = _create(owner, pdf_bytes("x"), "Bản đồ quy hoạch.pdf")
        disposition = _download(app, owner, resource).headers["Content-Disposition"]

        assert f"filename*=UTF-8''{quote('Bản-đồ-quy-hoạch.pdf')}" in disposition

    def test_parent_directories_stripped(self, owner):
        resource = _create(owner, pdf_bytes("x"), "../../../var/lib/bao-cao.pdf")

        assert model.Resource.get(resource["id"]).url == "bao-cao.pdf"


SAMPLES = {
    "html": (b"<html><body><script>alert(1)</script></body></html>", "trang.html"),
    "svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "hinh.svg"),
    "xml": (b"<?xml version='1.0'?><a/>", "du-lieu.xml"),
}


@pytest.mark.ckan_config("ckanext.quyhoach.upload.allowed_extensions", ["pdf", "html", "svg", "xml"])
class TestActiveContent:
    @pytest.mark.parametrize("kind", list(SAMPLES))
    def test_downloaded_as_attachment(self, owner, app, kind):
        resource = _create(owner, *SAMPLES[kind])

        assert _download(app, owner, resource).headers["Content-Disposition"].startswith("attachment")

    @pytest.mark.parametrize("kind", list(SAMPLES))
    def test_nosniff(self, owner, app, kind):
        resource = _create(owner, *SAMPLES[kind])

        assert _download(app, owner, resource).headers["X-Content-Type-Options"] == "nosniff"

    @pytest.mark.parametrize("kind", list(SAMPLES))
    def test_sandboxed(self, owner, app, kind):
        resource = _create(owner, *SAMPLES[kind])

        assert _download(app, owner, resource).headers["Content-Security-Policy"].startswith("sandbox")

    def test_pdf_stays_inline(self, owner, app):
        resource = _create(owner, pdf_bytes("x"), "quyet-dinh.pdf")

        assert _download(app, owner, resource).headers["Content-Disposition"].startswith("inline")

    def test_pdf_has_nosniff(self, owner, app):
        resource = _create(owner, pdf_bytes("x"), "quyet-dinh.pdf")

        assert _download(app, owner, resource).headers["X-Content-Type-Options"] == "nosniff"


def _post_upload(app, owner, size: int, filename: str = "lon.pdf"):
    content = b"%PDF-1.4\n" + b"0" * size
    return app.post(
        "/api/3/action/resource_create",
        data={
            "package_id": owner["dataset"]["id"], "name": "lon", "document_role": "other", "secrecy_level": "public",
            "upload": (io.BytesIO(content), filename),
        },
        headers={"Authorization": owner["token"]},
        content_type="multipart/form-data",
    )


@pytest.mark.ckan_config("ckan.max_resource_size", 1)
class TestSizeLimit:
    def test_file_over_limit_409(self, owner, app):
        assert _post_upload(app, owner, 1536 * 1024).status_code == 409

    def test_file_over_limit_names_field(self, owner, app):
        error = _post_upload(app, owner, 1536 * 1024).json["error"]

        assert "upload" in error

    def test_file_over_limit_leaves_no_resource(self, owner, app):
        _post_upload(app, owner, 1536 * 1024)

        assert helpers.call_action("package_show", id=owner["dataset"]["id"])["resources"] == []

    def test_huge_request_413(self, owner, app):
        assert _post_upload(app, owner, 3 * 1024 * 1024).status_code == 413

    def test_huge_request_message_names_limit(self, owner, app):
        message = _post_upload(app, owner, 3 * 1024 * 1024).json["error"]["message"]

        assert "ckan.max_resource_size" in message

    def test_file_under_limit_accepted(self, owner, app):
        assert _post_upload(app, owner, 100 * 1024).status_code == 200


MARKDOWN = (
    "Tóm tắt <script>alert('xss-script')</script>\n\n"
    "[bấm vào đây](javascript:alert('xss-link'))\n\n"
    "<a href=\"javascript:alert('xss-anchor')\">liên kết</a>\n\n"
    "<img src=x onerror=\"alert('xss-img')\">\n"
)


class TestMarkdown:
    @pytest.fixture
    def pages(self, owner, app):
        context = {"user": owner["user"]["name"]}
        helpers.call_action("package_patch", context, id=owner["dataset"]["id"], notes=MARKDOWN)
        resource = helpers.call_action(
            "resource_create", context, package_id=owner["dataset"]["id"], name="mo-ta", document_role="other",
            secrecy_level="public", url="https://example.org/a.pdf", description=MARKDOWN,
        )
        dataset_page = app.get(f"/ho-so-quy-hoach/{owner['dataset']['name']}").get_data(as_text=True)
        resource_page = app.get(f"/ho-so-quy-hoach/{owner['dataset']['name']}/resource/{resource['id']}").get_data(as_text=True)
        return {"dataset": dataset_page, "resource": resource_page}

    @pytest.mark.parametrize("page", ["dataset", "resource"])
    @pytest.mark.parametrize("payload", ["<script>alert('xss-script')", "javascript:alert", "onerror="], ids=["script", "javascript_link", "event_handler"])
    def test_markup_neutralised(self, pages, page, payload):
        assert payload not in pages[page]
