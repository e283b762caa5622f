"""The request, grant, expiry and audit flow in headless Chromium against a live portal.

Screenshots of each step go to /work/notes/screens/ (QUYHOACH_SCREENS overrides it).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from ckan import model

from ckanext.quyhoach.access.model import AccessRequest

from .flow import PASSWORD, build_flow

SCREENS = Path(os.environ.get("QUYHOACH_SCREENS", "/work/notes/screens"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


@pytest.fixture
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _signed_in(browser, base: str, user: dict):
    context = browser.new_context(base_url=base, locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto("/user/login")
    page.fill("input[name=login]", user["name"])
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_load_state()
    return page


def _shot(page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"access-{name}.png"), full_page=True)


@pytest.mark.ckan_config("ckan.site_url", "http://127.0.0.1:5103")
def test_request_grant_expiry_in_browser(clean_db, clean_index, app, live_server, browser):
    flow = build_flow()
    dataset, resource = flow.dataset["name"], flow.restricted["id"]
    download = live_server + urlsplit(flow.restricted["url"]).path
    steps: dict[str, object] = {}

    requester = _signed_in(browser, live_server, flow.requester)
    requester.goto(f"/ho-so-quy-hoach/{dataset}/resource/{resource}")
    _shot(requester, "1-withheld-file")
    steps["withheld download"] = requester.request.get(download).status
    requester.click("a.quyhoach-request-access")
    requester.fill("textarea[name=reason]", "Cần bản đồ để thẩm định dự án của Sở")
    requester.click("form.quyhoach-request-form button[type=submit]")
    requester.wait_for_load_state()
    _shot(requester, "2-request-sent")
    steps["status after request"] = requester.locator("td.quyhoach-status").first.get_attribute("class")

    admin = _signed_in(browser, live_server, flow.admin)
    admin.goto("/dashboard/access-requests?scope=to_decide")
    _shot(admin, "3-admin-sees-request")
    admin.fill("input[name=days]", "7")
    admin.locator("form[action$='/approve'] button[type=submit]").click()
    admin.wait_for_load_state()
    _shot(admin, "4-admin-approved")

    requester.goto("/dashboard/access-requests")
    _shot(requester, "5-requester-told")
    steps["status after approval"] = requester.locator("td.quyhoach-status").first.get_attribute("class")
    steps["granted download"] = requester.request.get(download).status
    requester.goto(f"/ho-so-quy-hoach/{dataset}/resource/{resource}")
    _shot(requester, "6-file-open")

    row = model.Session.query(AccessRequest).one()
    row.expires_at = dt.datetime.utcnow() - dt.timedelta(minutes=1)
    model.Session.commit()
    steps["expired download"] = requester.request.get(download).status

    sysadmin = _signed_in(browser, live_server, flow.sysadmin)
    sysadmin.goto(f"/ckan-admin/audit?object_id={resource}")
    _shot(sysadmin, "7-audit-log")
    rows = sysadmin.locator("table.quyhoach-audit tbody tr").all_inner_texts()
    recorded = {tuple(row.split("\t")[3:5]) for row in rows}
    steps["audit covers flow"] = {("download", "denied"), ("request", "pending"), ("approve", "approved"), ("download", "grant")} <= recorded

    assert steps == {
        "withheld download": 403,
        "status after request": "quyhoach-status quyhoach-status-pending",
        "status after approval": "quyhoach-status quyhoach-status-approved",
        "granted download": 200,
        "expired download": 403,
        "audit covers flow": True,
    }
