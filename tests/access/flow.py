"""A small world for the request, grant and audit tests: one agency, its admin, a requester, one dossier."""

from __future__ import annotations

import re
from urllib.parse import urlsplit
from dataclasses import dataclass
from typing import Any

from ckan.tests import factories, helpers

from .world import add_file, dossier, pdf_bytes

PASSWORD = "Mat-khau-2026"


@dataclass
class Flow:
    sysadmin: dict[str, Any]
    admin: dict[str, Any]
    requester: dict[str, Any]
    other_admin: dict[str, Any]
    member: dict[str, Any]
    dataset: dict[str, Any]
    restricted: dict[str, Any]
    secret: dict[str, Any]
    tokens: dict[str, str]

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": self.tokens[who]}


def build_flow() -> Flow:
    sysadmin = factories.Sysadmin(password=PASSWORD)
    admin = factories.User(name="admin-co-quan", email="admin@example.org", password=PASSWORD)
    requester = factories.User(name="nguoi-yeu-cau", email="requester@example.org", password=PASSWORD)
    other_admin = factories.User(name="admin-khac", email="other@example.org", password=PASSWORD)
    member = factories.User(name="bien-tap-vien", email="member@example.org", password=PASSWORD)
    owner = factories.Organization(
        name="co-quan-so-huu", agency_kind="ministry",
        users=[{"name": admin["name"], "capacity": "admin"}, {"name": member["name"], "capacity": "editor"}],
    )
    factories.Organization(name="co-quan-khac", agency_kind="ministry", users=[{"name": other_admin["name"], "capacity": "admin"}])
    context = {"user": sysadmin["name"]}
    created = helpers.call_action("package_create", context, **dossier("ho-so-luong", "Hồ sơ kiểm thử luồng", "public", owner["name"]))
    restricted = add_file(sysadmin, created["id"], "Bản đồ hạn chế", "restricted", pdf_bytes("HANCHE"), "Bản đồ hạn chế.pdf")
    secret = add_file(sysadmin, created["id"], "Bản đồ mật", "mat", pdf_bytes("MAT"), "ban-do-mat.pdf")
    tokens = {
        name: helpers.call_action("api_token_create", context, user=user["name"], name="flow")["token"]
        for name, user in (("sysadmin", sysadmin), ("admin", admin), ("requester", requester), ("other_admin", other_admin), ("member", member))
    }
    dataset = helpers.call_action("package_show", context, id=created["id"])
    return Flow(sysadmin, admin, requester, other_admin, member, dataset, restricted, secret, tokens)


def as_user(user: dict[str, Any]) -> dict[str, Any]:
    """Return an action context for USER with auth checks on (CKAN's call_action skips them by default)."""
    return {"user": user["name"], "ignore_auth": False}


def download_path(resource: dict[str, Any]) -> str:
    return urlsplit(resource["url"]).path


def csrf_token(html: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(app: Any, user: dict[str, Any]) -> None:
    """Sign USER in on APP's cookie session through the real login form."""
    token = csrf_token(app.get("/user/login").get_data(as_text=True))
    app.post("/user/login", data={"login": user["name"], "password": PASSWORD, "_csrf_token": token}, follow_redirects=False)
