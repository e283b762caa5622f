"""A world of agencies, users and dossiers at every secrecy level, built once per module.

Building it takes several seconds, so the visibility table shares one world
per module; the tests only read it. Every title carries a marker word
(`BIMAT<level>`, `TEPMAT<level>` for files) so a leak shows up as that word in
a response.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from ckan.tests import factories, helpers
from werkzeug.datastructures import FileStorage

from ckanext.quyhoach.access import levels

DATASET_TYPE = "ho-so-quy-hoach"
OWNER = "co-quan-so-huu"
OTHER = "co-quan-khac"
PORT = 5103

# Role name -> (highest level it may see of the owning agency's material, is sysadmin).
ROLE_LEVEL = {
    "anonymous": "public",
    "signed_in": "public",
    "editor_other_agency": "public",
    "member_owning_agency": "restricted",
    "cleared_restricted": "restricted",
    "cleared_mat": "mat",
    "cleared_toi_mat": "toi_mat",
    "cleared_tuyet_mat": "tuyet_mat",
    "sysadmin": "tuyet_mat",
}
ROLES = list(ROLE_LEVEL)


def dataset_marker(level: str) -> str:
    return f"BIMAT{level.replace('_', '')}"


def file_marker(level: str) -> str:
    return f"TEPMAT{level.replace('_', '')}"


def sees_level(role: str, level: str) -> bool:
    return levels.rank(level) <= levels.rank(ROLE_LEVEL[role])


def expected_resource(role: str, level: str) -> str:
    """Return full, stub or hidden for a resource at LEVEL in a public dossier."""
    if sees_level(role, level):
        return "full"
    return "stub" if level == "restricted" else "hidden"


@dataclass
class World:
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    datasets: dict[str, dict[str, Any]] = field(default_factory=dict)
    public_dossier: dict[str, Any] = field(default_factory=dict)
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    owner: dict[str, Any] = field(default_factory=dict)
    app: Any = None

    def headers(self, role: str) -> dict[str, str]:
        token = self.tokens.get(role)
        return {"Authorization": token} if token else {}


def dossier(name: str, title: str, level: str, owner: str) -> dict[str, Any]:
    return {
        "type": DATASET_TYPE,
        "name": name,
        "title": title,
        "owner_org": owner,
        "notes": f"Tóm tắt của {title}",
        "plan_level": "technical_sectoral",
        "plan_type": "technical_sectoral",
        "decision_number": "1/QĐ-TTg",
        "decision_date": "2024-01-02",
        "approving_authority": "Thủ tướng Chính phủ",
        "legal_status": "in_force",
        "secrecy_level": level,
        "gis_status": "none",
    }


def pdf_bytes(marker: str) -> bytes:
    """Return a tiny PDF-looking file whose body carries MARKER."""
    return f"%PDF-1.4\n% {marker}\n%%EOF\n".encode()


def upload(content: bytes, filename: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(content), filename=filename)


def add_file(creator: dict[str, Any], package_id: str, name: str, level: str, content: bytes, filename: str) -> dict[str, Any]:
    return helpers.call_action(
        "resource_create",
        {"user": creator["name"]},
        package_id=package_id,
        name=name,
        description=f"Mô tả {name}",
        document_role="map",
        format="PDF",
        secrecy_level=level,
        upload=upload(content, filename),
    )


def make_users(world: World) -> None:
    world.users["sysadmin"] = factories.Sysadmin(name="quan-tri")
    sysadmin = world.users["sysadmin"]
    world.owner = factories.Organization(name=OWNER, user=sysadmin, agency_kind="ministry")
    factories.Organization(name=OTHER, user=sysadmin, agency_kind="ministry")
    for role in ROLES[1:-1]:
        world.users[role] = factories.User(name=role.replace("_", "-"), email=f"{role}@example.org")
    context = {"user": sysadmin["name"]}
    helpers.call_action("organization_member_create", context, id=OTHER, username="editor-other-agency", role="editor")
    helpers.call_action("organization_member_create", context, id=OWNER, username="member-owning-agency", role="editor")
    for level in levels.CLEARANCE_LEVELS:
        helpers.call_action("quyhoach_clearance_set", context, user=f"cleared-{level.replace('_', '-')}", level=level)
    for role, user in world.users.items():
        world.tokens[role] = helpers.call_action("api_token_create", context, user=user["name"], name="test")["token"]
        if role != "sysadmin":
            helpers.call_action("follow_group", {"user": user["name"]}, id=OWNER)


def make_dossiers(world: World) -> None:
    sysadmin = world.users["sysadmin"]
    context = {"user": sysadmin["name"]}
    for level in levels.LEVELS:
        marker = dataset_marker(level)
        created = helpers.call_action("package_create", context, **dossier(f"ho-so-{level.replace('_', '-')}", f"Quy hoạch {marker}", level, OWNER))
        add_file(sysadmin, created["id"], f"Tài liệu {marker}", "public", pdf_bytes(marker), f"tai-lieu-{marker}.pdf")
        world.datasets[level] = helpers.call_action("package_show", context, id=created["id"])
    public = helpers.call_action("package_create", context, **dossier("ho-so-cong-khai", "Quy hoạch công khai có tệp mật", "public", OWNER))
    for level in levels.LEVELS:
        marker = file_marker(level)
        world.resources[level] = add_file(sysadmin, public["id"], f"Bản đồ {marker}", level, pdf_bytes(marker), f"ban-do-{marker}.pdf")
    world.public_dossier = helpers.call_action("package_show", context, id=public["id"])


