"""Fixtures of the harvester tests: the peer portal, local agencies, and a
runner that takes a harvest job through gather, fetch and import in process."""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests

import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckanext.harvest import queue
from ckanext.harvest.model import HarvestJob, HarvestObject

from . import peer as peer_portal

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def peer(tmp_path_factory):
    """The peer CKAN portal on 127.0.0.1:5105 (QUYHOACH_PEER_PORT), started once per test session."""
    portal = peer_portal.start_peer(tmp_path_factory.mktemp("peer"))
    yield portal
    peer_portal.stop_peer(portal.process)


@pytest.fixture
def unique():
    """Return a function that makes a fresh name from a prefix, so tests sharing the peer do not collide."""
    return lambda prefix: f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def agency(clean_db):
    """A local agency that owns the harvest sources."""
    user = factories.Sysadmin()
    org = tk.get_action("organization_create")(
        {"user": user["name"]},
        {"name": "so-xay-dung-lao-cai", "title": "Sở Xây dựng Lào Cai", "agency_kind": "provincial_committee", "province_code": "15"},
    )
    return org


def create_source(agency: dict[str, Any], name: str, url: str, source_type: str, config: dict | str = "") -> dict:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return tk.get_action("harvest_source_create")(
        {"user": site_user["name"]},
        {
            "name": name,
            "title": name,
            "url": url,
            "source_type": source_type,
            "owner_org": agency["id"],
            "config": config if isinstance(config, str) else json.dumps(config),
            "frequency": "MANUAL",
        },
    )


def gather_job(source: dict) -> tuple[Any, HarvestJob, list[str]]:
    """Start a harvest job of SOURCE and run its gather stage in process.

    Returns the harvester, the running job and the ids of the gathered objects.
    """
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"]}
    job_dict = tk.get_action("harvest_job_create")(context, {"source_id": source["id"], "run": False})
    job = HarvestJob.get(job_dict["id"])
    job.status = "Running"
    job.save()
    harvester = queue.get_harvester(source["source_type"])
    object_ids = queue.gather_stage(harvester, job)
    return harvester, job, object_ids if isinstance(object_ids, list) else []


def run_job(source: dict) -> dict[str, Any]:
    """Run one harvest job of SOURCE in process and return its quyhoach_harvest_job_report."""
    harvester, job, object_ids = gather_job(source)
    for object_id in object_ids:
        queue.fetch_and_import_stages(harvester, HarvestObject.get(object_id))
    tk.get_action("harvest_jobs_run")({"ignore_auth": True}, {"source_id": source["id"]})
    return tk.get_action("quyhoach_harvest_job_report")({"ignore_auth": True}, {"id": job.id})


# Two test runs on one machine keep apart by setting these ports (and the peer's).
REMOTE_PORT = int(os.environ.get("QUYHOACH_REMOTE_PORT", "5106"))


@pytest.fixture(scope="session")
def remote_server():
    """The local HTTP server of stored remote documents and faulty endpoints (port 5106, QUYHOACH_REMOTE_PORT)."""
    from .servers import RemoteServer

    server = RemoteServer(REMOTE_PORT).start()
    yield server
    server.stop()


PYCSW_PYTHON = os.environ.get("QUYHOACH_PYCSW_PYTHON", "/tmp/pycsw-venv/bin/python")
PYCSW_PORT = int(os.environ.get("QUYHOACH_PYCSW_PORT", "5107"))


@pytest.fixture(scope="session")
def pycsw(tmp_path_factory):
    """pycsw (from PyPI, in its own virtualenv) serving the ISO 19139 records of data/csw on port 5107
    (QUYHOACH_PYCSW_PORT)."""
    if not Path(PYCSW_PYTHON).exists():
        pytest.skip(
            f"pycsw is not installed at {PYCSW_PYTHON}: run "
            "python3 -m venv /tmp/pycsw-venv && /tmp/pycsw-venv/bin/pip install pycsw 'SQLAlchemy<2' "
            "Shapely pyproj geolinks xmltodict (or set QUYHOACH_PYCSW_PYTHON)"
        )
    home = tmp_path_factory.mktemp("pycsw")
    config = home / "pycsw.cfg"
    template = (DATA / "pycsw.cfg.in").read_text("utf-8")
    config.write_text(template.replace("@HOME@", str(home)).replace("@PORT@", str(PYCSW_PORT)), "utf-8")
    admin = [PYCSW_PYTHON, str(Path(PYCSW_PYTHON).parent / "pycsw-admin.py")]
    subprocess.run([*admin, "-c", "setup_db", "-f", str(config)], check=True, capture_output=True, cwd=home)
    subprocess.run([*admin, "-c", "load_records", "-f", str(config), "-p", str(DATA / "csw")], check=True, capture_output=True, cwd=home)
    process = subprocess.Popen(
        [PYCSW_PYTHON, str(Path(__file__).parent / "pycsw_server.py"), str(config), str(PYCSW_PORT)],
        stdout=subprocess.DEVNULL, stderr=open(home / "server.log", "w"), start_new_session=True,
    )
    url = f"http://127.0.0.1:{PYCSW_PORT}/csw"
    try:
        _wait_for(url + "?service=CSW&request=GetCapabilities", process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"pycsw exited with code {process.returncode}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"pycsw did not answer at {url} within {timeout} s")
