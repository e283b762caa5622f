"""The push path: JSON and CSV manifests checked whole before any import."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories
from ckanext.harvest.model import HarvestObject
from ckanext.quyhoach.harvesters.cli import quyhoach_harvest

from access.flow import PASSWORD, login
from .conftest import create_source, gather_job, run_job

DATA = Path(__file__).parent / "data" / "manifest"

pytestmark = [
    pytest.mark.ckan_config("ckanext.quyhoach.harvest.allow_private_addresses", "true"),
    pytest.mark.usefixtures("clean_db", "clean_index"),
]


def _dossier(source, guid):
    obj = model.Session.query(HarvestObject).filter_by(harvest_source_id=source["id"], guid=guid, current=True).one()
    return tk.get_action("package_show")({"ignore_auth": True}, {"id": obj.package_id})


def _dossier_count():
    return model.Session.query(model.Package).filter_by(type="ho-so-quy-hoach", state="active").count()


@pytest.fixture
def csv_source(agency, remote_server):
    url = remote_server.put("/manifest/ho-so.csv", (DATA / "dossiers.csv").read_bytes(), "text/csv; charset=utf-8")
    return create_source(agency, "manifest-csv", url, "quyhoach_manifest")


class TestManifestCsv:
    def test_counts(self, csv_source):
        report = run_job(csv_source)
        assert (report["expected"], report["created"], report["errored"]) == (2, 2, 0)

    def test_list_field_split(self, csv_source):
        run_job(csv_source)
        dossier = _dossier(csv_source, "BXD-QHT-LC")
        assert (dossier["province_codes"], dossier["province_codes_at_decision"]) == (["15"], ["10"])

    def test_files_become_resources(self, csv_source):
        run_job(csv_source)
        resources = _dossier(csv_source, "BXD-QHT-LC")["resources"]
        assert [(r["document_role"], r["name"]) for r in resources] == [
            ("decision", "Quyết định 316/QĐ-TTg"),
            ("planning_report", "Báo cáo quy hoạch"),
        ]

    def test_remote_url_points_into_manifest(self, csv_source):
        run_job(csv_source)
        assert _dossier(csv_source, "BXD-QHT-DN")["harvest_remote_url"] == csv_source["url"] + "#BXD-QHT-DN"

    def test_unchanged_manifest_not_written(self, csv_source):
        run_job(csv_source)
        report = run_job(csv_source)
        assert (report["unchanged"], report["updated"]) == (2, 0)

    def test_edited_row_updates(self, csv_source, remote_server):
        run_job(csv_source)
        text = (DATA / "dossiers.csv").read_text("utf-8").replace(",in_force,2021,2030,2050,Đồng Nai", ",partly_amended,2021,2030,2050,Đồng Nai")
        remote_server.put("/manifest/ho-so.csv", text, "text/csv; charset=utf-8")
        report = run_job(csv_source)
        assert (report["updated"], report["unchanged"]) == (1, 1)

    def test_removed_row_withdrawn(self, csv_source, remote_server):
        run_job(csv_source)
        lines = (DATA / "dossiers.csv").read_text("utf-8").splitlines()
        remote_server.put("/manifest/ho-so.csv", "\n".join(lines[:2]) + "\n", "text/csv; charset=utf-8")
        assert run_job(csv_source)["withdrawn"] == 1


class TestJobReport:
    def test_progress_complete(self, csv_source):
        report = run_job(csv_source)
        assert report["progress"] == {"done": 2, "total": 2}

    @pytest.mark.parametrize("count, expected_value", [("expected", "2"), ("created", "2"), ("unchanged", "0"), ("errored", "0")])
    def test_job_page_shows_count(self, app, csv_source, count, expected_value):
        report = run_job(csv_source)
        login(app, factories.Sysadmin(password=PASSWORD))
        page = app.get(f"/harvest/{csv_source['name']}/job/{report['job_id']}").get_data(as_text=True)
        row = re.search(rf'<tr data-count="{count}">.*?<td>([^<]*)</td>', page, re.S)
        assert row.group(1).strip() == expected_value


    def test_running_job_page_shows_progress(self, app, csv_source):
        _, job, _ = gather_job(csv_source)
        login(app, factories.Sysadmin(password=PASSWORD))
        page = app.get(f"/harvest/{csv_source['name']}/job/{job.id}").get_data(as_text=True)
        assert "Tiến độ: 0 trên 2 bản ghi (0%)" in page


class TestManifestJson:
    def test_created(self, agency, remote_server):
        url = remote_server.put("/manifest/ho-so.json", (DATA / "dossiers.json").read_bytes())
        source = create_source(agency, "manifest-json", url, "quyhoach_manifest")
        run_job(source)
        assert _dossier(source, "BXD-QHT-LC")["decision_number"] == "316/QĐ-TTg"


class TestManifestProblems:
    @pytest.fixture
    def report(self, agency, remote_server):
        url = remote_server.put("/manifest/loi.csv", (DATA / "bad.csv").read_bytes(), "text/csv; charset=utf-8")
        return run_job(create_source(agency, "manifest-loi", url, "quyhoach_manifest"))

    def test_nothing_imported(self, report):
        assert (report["created"], _dossier_count()) == (0, 0)

    @pytest.mark.parametrize(
        "problem",
        [
            pytest.param("line 2 (id BXD-1): plan_level:", id="bad-choice"),
            pytest.param("line 3 (id BXD-1): id: duplicate of line 2", id="duplicate-id"),
            pytest.param("line 3 (id BXD-1): decision_date:", id="bad-date"),
            pytest.param("line 3 (id BXD-1): files[1].document_role:", id="bad-file-role"),
            pytest.param("line 4 (id missing): id: missing", id="missing-id"),
            pytest.param("line 4 (id missing): approving_authority:", id="missing-required"),
        ],
    )
    def test_problem_reported(self, report, problem):
        assert problem in report["gather_errors"][0]

    def test_check_action_lists_problems(self):
        result = tk.get_action("quyhoach_manifest_check")(
            {"ignore_auth": True}, {"manifest": (DATA / "bad.csv").read_text("utf-8"), "format": "csv"}
        )
        assert (result["valid"], result["count"], len(result["problems"]) >= 6) == (False, 3, True)

    def test_check_action_accepts_valid(self, agency):
        result = tk.get_action("quyhoach_manifest_check")(
            {"ignore_auth": True},
            {"manifest": (DATA / "dossiers.json").read_text("utf-8"), "format": "json", "owner_org": agency["name"]},
        )
        assert (result["valid"], result["count"]) == (True, 1)


class TestSourceCommands:
    def test_source_show_has_type(self, csv_source):
        source = tk.get_action("harvest_source_show")({"ignore_auth": True}, {"id": csv_source["name"]})
        assert source["source_type"] == "quyhoach_manifest"

    def test_source_show_answers_get(self, app, csv_source):
        response = app.get("/api/3/action/harvest_source_show", query_string={"id": csv_source["name"]})
        assert response.json["result"]["source_type"] == "quyhoach_manifest"

    def test_source_create_returns_status(self, csv_source):
        assert csv_source["status"]["job_count"] == 0

    def test_report_command_prints_counts(self, cli, csv_source):
        run_job(csv_source)
        result = cli.invoke(quyhoach_harvest, ["report", csv_source["name"]])
        assert "expected 2, received 2, created 2" in result.output

    def test_report_command_unknown_source(self, cli):
        result = cli.invoke(quyhoach_harvest, ["report", "khong-co-nguon"])
        assert result.exit_code == 1
