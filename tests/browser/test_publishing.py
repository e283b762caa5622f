"""An agency editor publishes a dossier through the web forms, in headless Chromium.

The test starts CKAN on 127.0.0.1 (port QUYHOACH_BROWSER_PORT, default 5101)
against the test database and Solr core of this run, and keeps screenshots of
the form, the dossier page and the search page in tests/artifacts/.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys
import time

import pytest
import requests
from ckan.tests import factories

playwright_api = pytest.importorskip("playwright.sync_api")

REPO = pathlib.Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts"
PORT = int(os.environ.get("QUYHOACH_BROWSER_PORT", "5101"))
BASE_URL = f"http://127.0.0.1:{PORT}"
PASSWORD = "Mat-khau-thu-nghiem-2025"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
GEOJSON = json.dumps(
    {"type": "Polygon",
     "coordinates": [[[103.5, 21.3], [105.1, 21.3], [105.1, 22.8], [103.5, 22.8], [103.5, 21.3]]]}
)


@pytest.fixture
def accounts(clean_db, clean_index):
    """Two provincial agencies, each with one editor."""
    editor = factories.User(name="bien-tap-lao-cai", password=PASSWORD)
    outsider = factories.User(name="bien-tap-ha-noi", password=PASSWORD)
    lao_cai = factories.Organization(
        name="ubnd-tinh-lao-cai", title="Ủy ban nhân dân tỉnh Lào Cai",
        agency_kind="provincial_committee", province_code="15",
        users=[{"name": editor["name"], "capacity": "editor"}],
    )
    factories.Organization(
        name="ubnd-thanh-pho-ha-noi", title="Ủy ban nhân dân thành phố Hà Nội",
        agency_kind="provincial_committee", province_code="01",
        users=[{"name": outsider["name"], "capacity": "editor"}],
    )
    return {"editor": editor, "outsider": outsider, "agency": lao_cai}


@pytest.fixture
def portal(accounts, tmp_path):
    """Serve CKAN on BASE_URL with this run's database and Solr core."""
    ini = tmp_path / "browser.ini"
    ini.write_text(
        f"[app:main]\nuse = config:{REPO / 'config' / 'test.ini'}\n"
        f"ckan.site_url = {BASE_URL}\n",
        encoding="utf-8",
    )
    log = open(tmp_path / "ckan.log", "w")
    server = subprocess.Popen(
        [str(pathlib.Path(sys.executable).with_name("ckan")), "-c", str(ini), "run",
         "-H", "127.0.0.1", "-p", str(PORT), "--disable-reloader"],
        stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ),
    )
    try:
        _wait_until_up(server, tmp_path / "ckan.log")
        yield accounts
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _wait_until_up(server: subprocess.Popen, log_path: pathlib.Path) -> None:
    for _ in range(240):
        if server.poll() is not None:
            pytest.fail(f"CKAN exited early:\n{log_path.read_text()[-3000:]}")
        try:
            requests.get(f"{BASE_URL}/api/3/action/status_show", timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.5)
    pytest.fail(f"CKAN did not answer on {BASE_URL} within 120 s")


@pytest.fixture
def browser():
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _sign_in(browser, user_name: str):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{BASE_URL}/user/login")
    page.fill("#field-login", user_name)
    page.fill("#field-password", PASSWORD)
    page.press("#field-password", "Enter")
    page.wait_for_load_state("networkidle")
    return page


def _screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    shared = pathlib.Path("/work/notes/screens")
    if shared.is_dir():
        shutil.copy(path, shared / name)


def _fill_dossier_form(page) -> None:
    page.goto(f"{BASE_URL}/ho-so-quy-hoach/new")
    page.fill("#field-title", "Quy hoạch tỉnh Lào Cai thời kỳ 2021 - 2030, tầm nhìn đến năm 2050")
    # The slug preview fills the hidden URL name from the title in the browser.
    # Emptying it makes the server derive the name, as it does for API clients.
    page.eval_on_selector("#field-name", "element => { element.value = ''; }")
    page.select_option("#field-organizations", label="Ủy ban nhân dân tỉnh Lào Cai")
    page.select_option("#field-private", "False")
    page.select_option("#field-plan_level", "provincial")
    page.select_option("#field-plan_type", "provincial")
    page.fill("input[name=province_codes]", "10")
    page.fill("#field-decision_number", "1597/QĐ-TTg")
    page.fill("#field-decision_date", "2023-12-14")
    page.fill("#field-approving_authority", "Thủ tướng Chính phủ")
    page.fill("#field-period_start", "2021")
    page.fill("#field-period_end", "2030")
    page.fill("#field-vision_year", "2050")
    page.select_option("#field-legal_status", "in_force")
    _screenshot(page, "dossier-form.png")
    page.click("button[name=save]")
    page.wait_for_load_state("networkidle")


def _add_resource(page, tmp_path, filename: str, content: bytes, role: str, again: bool) -> None:
    path = tmp_path / filename
    path.write_bytes(content)
    page.set_input_files("input[type=file][name=upload]", str(path))
    page.fill("#field-name", filename)
    page.select_option("#field-document_role", role)
    page.click("button[name=save][value=again]" if again else "button[name=save][value=go-metadata]")
    page.wait_for_load_state("networkidle")


@pytest.fixture
def published(portal, browser, tmp_path):
    """Publish the Lào Cai dossier through the forms; return the editor's page."""
    page = _sign_in(browser, portal["editor"]["name"])
    _fill_dossier_form(page)
    _add_resource(page, tmp_path, "quyet-dinh-1597.pdf", PDF, "decision", again=True)
    _add_resource(page, tmp_path, "ranh-gioi.geojson", GEOJSON.encode(), "map", again=False)
    return page


NAME = "quy-hoach-tinh-lao-cai-thoi-ky-2021-2030-tam-nhin-den-nam-2050"


def _show(name: str) -> dict:
    response = requests.get(f"{BASE_URL}/api/3/action/package_show", params={"id": name}, timeout=10)
    assert response.status_code == 200, response.text[:500]
    return response.json()["result"]


def test_editor_publishes_and_outsider_cannot_edit(published, browser):
    """One flow, because each start of the portal and each publication takes a minute."""
    assert published.url.endswith(f"/ho-so-quy-hoach/{NAME}"), published.url
    dossier = _show(NAME)
    published.goto(f"{BASE_URL}/ho-so-quy-hoach/{NAME}")
    _screenshot(published, "dossier-page.png")
    present = published.locator(".quyhoach-component.present").count()
    anonymous = browser.new_page(viewport={"width": 1280, "height": 900})
    anonymous.goto(f"{BASE_URL}/ho-so-quy-hoach/?q=lao+cai&ext_in_force_on=2024-06-01")
    _screenshot(anonymous, "search-page.png")
    found = anonymous.locator(f"a[href$='/ho-so-quy-hoach/{NAME}']").count()
    outsider = _sign_in(browser, "bien-tap-ha-noi")
    edit_response = outsider.goto(f"{BASE_URL}/ho-so-quy-hoach/edit/{NAME}")

    assert sorted(r["document_role"] for r in dossier["resources"]) == ["decision", "map"]
    assert all(len(r.get("sha256") or "") == 64 for r in dossier["resources"]), dossier["resources"]
    assert dossier["province_codes"] == ["15"]
    assert present == 2, "decision and map shown as present components"
    assert found >= 1, "anonymous search finds the dossier in force on 2024-06-01"
    assert edit_response.status == 403
