"""The demo catalogue loader: the real plans load, reruns change nothing, bad rows are named."""

from __future__ import annotations

import csv
import io
from importlib import resources

import pytest
from ckan.tests import helpers

from ckanext.quyhoach import catalogue
from ckanext.quyhoach.cli import quyhoach

PLANS_CSV = resources.files("ckanext.quyhoach.data").joinpath("plans.csv").read_text("utf-8")
PLAN_ROWS = list(csv.DictReader(io.StringIO(PLANS_CSV)))


def subset_csv(count: int, **changes_by_slug) -> str:
    """Return the header and the first COUNT rows of plans.csv, with CHANGES applied."""
    output = io.StringIO()
    writer = csv.DictWriter(output, fieldnames=list(PLAN_ROWS[0]), lineterminator="\n")
    writer.writeheader()
    for row in PLAN_ROWS[:count]:
        writer.writerow(dict(row, **changes_by_slug.get(row["id_slug"], {})))
    return output.getvalue()


def search_all() -> dict[str, dict]:
    result = helpers.call_action("package_search", q="*:*", rows=1000)
    return {dossier["name"]: dossier for dossier in result["results"]}


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestRealCatalogue:
    def test_every_real_plan_loads_with_its_decision(self):
        report = catalogue.load_catalogue()
        loaded = search_all()

        assert report.errors == []
        assert len(report.created) == len(PLAN_ROWS)
        assert len(loaded) == len(PLAN_ROWS)
        for row in PLAN_ROWS:
            dossier = loaded[row["id_slug"]]
            assert dossier["decision_number"] == row["decision_number"], row["id_slug"]
            assert dossier["decision_date"] == row["decision_date"], row["id_slug"]


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestUpsert:
    def test_rerun_changes_nothing(self):
        catalogue.load_catalogue(subset_csv(4))

        report = catalogue.load_catalogue(subset_csv(4))

        assert report.changed is False

    def test_rerun_counts_unchanged(self):
        catalogue.load_catalogue(subset_csv(4))

        report = catalogue.load_catalogue(subset_csv(4))

        assert len(report.unchanged) == 4

    def test_changed_row_updates_dossier(self):
        catalogue.load_catalogue(subset_csv(4))
        slug = PLAN_ROWS[3]["id_slug"]

        report = catalogue.load_catalogue(subset_csv(4, **{slug: {"vision_year": "2055"}}))

        assert report.updated == [slug]

    def test_changed_row_value_stored(self):
        catalogue.load_catalogue(subset_csv(4))
        slug = PLAN_ROWS[3]["id_slug"]

        catalogue.load_catalogue(subset_csv(4, **{slug: {"vision_year": "2055"}}))

        assert str(helpers.call_action("package_show", id=slug)["vision_year"]) == "2055"


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestBadRows:
    @pytest.fixture
    def report(self):
        bad_date = {PLAN_ROWS[1]["id_slug"]: {"decision_date": "2023-02-30"}}
        return catalogue.load_catalogue(subset_csv(4, **bad_date))

    def test_bad_row_named_by_line(self, report):
        assert report.errors[0].startswith("line 3 ")

    def test_bad_row_names_field(self, report):
        assert "decision_date" in report.errors[0]

    def test_other_rows_load(self, report):
        assert len(report.created) == 3

    def test_bad_row_saves_nothing(self, report):
        assert PLAN_ROWS[1]["id_slug"] not in search_all()

    def test_unknown_province_named(self):
        slug = PLAN_ROWS[3]["id_slug"]

        report = catalogue.load_catalogue(subset_csv(4, **{slug: {"province_code": "99"}}))

        assert "province_code" in report.errors[0]

    def test_missing_column_rejected(self):
        with pytest.raises(ValueError, match="decision_number"):
            catalogue.load_catalogue("id_slug,title_vi\nx,y\n")


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestCommand:
    def test_second_run_says_nothing_changed(self, cli, tmp_path):
        plans = tmp_path / "plans.csv"
        plans.write_text(subset_csv(2), encoding="utf-8")
        cli.invoke(quyhoach, ["load-catalogue", "--file", str(plans)])

        result = cli.invoke(quyhoach, ["load-catalogue", "--file", str(plans)])

        assert "Nothing changed" in result.output

    def test_rejected_row_exits_1(self, cli, tmp_path):
        plans = tmp_path / "plans.csv"
        plans.write_text(subset_csv(2, **{PLAN_ROWS[0]["id_slug"]: {"decision_number": "x"}}),
                         encoding="utf-8")

        result = cli.invoke(quyhoach, ["load-catalogue", "--file", str(plans)])

        assert result.exit_code == 1
