"""A second CKAN portal of ours on 127.0.0.1:5105, used as the "provincial" peer.

It runs the same stack with its own database (``ckan_peer``) and Solr core
(``ckan_peer``); `start_peer` rebuilds its tables, makes a sysadmin with an
API token, starts ``ckan run`` and waits for ``status_show``.

Two runs on one machine can keep apart with QUYHOACH_PEER_PORT (default 5105)
and QUYHOACH_PEER_DB (default ``ckan_peer``), which names both the database
and the Solr core. Both must exist before `start_peer`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

REPO = Path(__file__).resolve().parents[2]
CKAN = REPO / ".venv" / "bin" / "ckan"
PORT = int(os.environ.get("QUYHOACH_PEER_PORT", "5105"))
URL = f"http://127.0.0.1:{PORT}"
DATABASE = os.environ.get("QUYHOACH_PEER_DB", "ckan_peer")
START_TIMEOUT = 120


@dataclass
class Peer:
    url: str
    token: str
    process: subprocess.Popen

    def call(self, action: str, **data: Any) -> Any:
        response = requests.post(
            f"{self.url}/api/3/action/{action}", json=data, headers={"Authorization": self.token}, timeout=60
        )
        body = response.json()
        if not body.get("success"):
            raise RuntimeError(f"peer {action} failed: {body.get('error')}")
        return body["result"]


def _swap_database(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


def write_ini(directory: Path) -> Path:
    """Write the peer's ini, chained to config/test.ini, into DIRECTORY."""
    db_url = _swap_database(os.environ["CKAN_SQLALCHEMY_URL"], DATABASE)
    solr_url = _swap_database(os.environ["CKAN_SOLR_URL"], DATABASE)
    ini = directory / "peer.ini"
    ini.write_text(
        "[app:main]\n"
        f"use = config:{REPO}/config/test.ini\n"
        f"sqlalchemy.url = {db_url}\n"
        f"solr_url = {solr_url}\n"
        f"ckan.site_url = {URL}\n"
        "ckan.redis.url = redis://127.0.0.1:6379/6\n"
        "ckan.harvest.mq.redis_db = 7\n"
        f"ckan.storage_path = {directory}/storage\n"
    )
    return ini


def _environment() -> dict[str, str]:
    # CKAN_* variables override every ini; the peer must read its own.
    return {k: v for k, v in os.environ.items() if not k.startswith("CKAN_")}


def _ckan(ini: Path, *args: str) -> str:
    result = subprocess.run(
        [str(CKAN), "-c", str(ini), *args], env=_environment(), capture_output=True, text=True, timeout=300
    )
    if result.returncode != 0:
        raise RuntimeError(f"ckan {' '.join(args)} failed: {result.stderr[-2000:]}")
    return result.stdout


def prepare(ini: Path) -> str:
    """Rebuild the peer's database and index; return a sysadmin API token."""
    # The reloader is off in start_peer: other work in the repository would
    # otherwise restart the peer in the middle of a test.
    _ckan(ini, "db", "clean", "--yes")
    _ckan(ini, "db", "upgrade")
    _ckan(ini, "db", "upgrade", "-p", "activity")
    _ckan(ini, "db", "upgrade", "-p", "harvest")
    _ckan(ini, "search-index", "clear")
    _ckan(ini, "user", "add", "peeradmin", "email=peeradmin@example.org", "password=Peer-admin-2026")
    _ckan(ini, "sysadmin", "add", "peeradmin")
    output = _ckan(ini, "user", "token", "add", "peeradmin", "tests")
    return output.strip().splitlines()[-1].strip()


def start_peer(directory: Path) -> Peer:
    ini = write_ini(directory)
    token = prepare(ini)
    log = open(directory / "peer.log", "w")
    process = subprocess.Popen(
        [str(CKAN), "-c", str(ini), "run", "-H", "127.0.0.1", "-p", str(PORT), "--disable-reloader", "--threaded"],
        env=_environment(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the peer portal exited; see {directory / 'peer.log'}")
        try:
            if requests.get(f"{URL}/api/3/action/status_show", timeout=2).ok:
                return Peer(URL, token, process)
        except requests.RequestException:
            pass
        time.sleep(0.5)
    stop_peer(process)
    raise RuntimeError(f"the peer portal did not answer within {START_TIMEOUT} s; see {directory / 'peer.log'}")


def stop_peer(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def dossier(org: str, name: str, **overrides: Any) -> dict[str, Any]:
    """Return a valid dossier for the peer, modelled on a real provincial plan."""
    values = {
        "type": "ho-so-quy-hoach",
        "name": name,
        "title": f"Quy hoạch tỉnh Lào Cai thời kỳ 2021 - 2030 ({name})",
        "owner_org": org,
        "plan_level": "provincial",
        "plan_type": "provincial",
        "province_codes": ["15"],
        "province_codes_at_decision": ["10"],
        "decision_number": "316/QĐ-TTg",
        "decision_date": "2023-03-29",
        "approving_authority": "Thủ tướng Chính phủ",
        "legal_status": "in_force",
        "secrecy_level": "public",
        "gis_status": "none",
        "tags": [{"name": "quy hoạch tỉnh"}],
        "resources": [{"url": "https://example.org/qd-316.pdf", "name": "Quyết định 316/QĐ-TTg", "document_role": "decision", "format": "PDF"}],
    }
    values.update(overrides)
    return values


def agency(name: str) -> dict[str, Any]:
    return {"name": name, "title": f"Sở Xây dựng {name}", "agency_kind": "provincial_committee", "province_code": "15"}


__all__ = ["Peer", "start_peer", "stop_peer", "dossier", "agency", "json"]
