"""The CKAN harvester against a second portal of ours (the peer on 127.0.0.1:5105)."""

from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.harvest import queue
from ckanext.harvest.model import HarvestObject

from . import peer as peer_portal
from .conftest import create_source, gather_job, run_job

pytestmark = [
    pytest.mark.ckan_config("ckanext.quyhoach.harvest.allow_private_addresses", "true"),
    pytest.mark.usefixtures("clean_db", "clean_index"),
]


@pytest.fixture
def remote(peer, unique):
    """A peer agency with three dossiers; returns (agency name, [dossier dicts])."""
    org = unique("so-xd")
    peer.call("organization_create", **peer_portal.agency(org))
    dossiers = [peer.call("package_create", **peer_portal.dossier(org, unique(f"qh-{i}"))) for i in range(3)]
    return org, dossiers


def _source(agency, remote_org, name="nguon-lao-cai", **config):
    return create_source(
        agency, name, peer_portal.URL, "quyhoach_ckan", {"fq": f"organization:{remote_org}", **config}
    )


def _local(package_id):
    return tk.get_action("package_show")({"ignore_auth": True}, {"id": package_id})


def _local_for(source, guid):
    obj = model.Session.query(HarvestObject).filter_by(harvest_source_id=source["id"], guid=guid, current=True).one()
    return _local(obj.package_id)


class TestFirstHarvest:
    def test_counts(self, agency, remote):
        report = run_job(_source(agency, remote[0]))
        assert (report["expected"], report["received"], report["created"], report["errored"]) == (3, 3, 3, 0)

    def test_fields_mapped(self, agency, remote):
        source = _source(agency, remote[0])
        run_job(source)
        local = _local_for(source, remote[1][0]["id"])
        assert (local["plan_level"], local["decision_number"], local["province_codes"]) == (
            "provincial", "316/QĐ-TTg", ["15"],
        )

    def test_owner_is_source_agency(self, agency, remote):
        source = _source(agency, remote[0])
        run_job(source)
        assert _local_for(source, remote[1][0]["id"])["owner_org"] == agency["id"]

    def test_provenance_recorded(self, agency, remote):
        source = _source(agency, remote[0])
        run_job(source)
        remote_dossier = remote[1][0]
        local = _local_for(source, remote_dossier["id"])
        assert local["harvest_remote_id"] == remote_dossier["id"]
        assert local["harvest_remote_url"] == f"{peer_portal.URL}/ho-so-quy-hoach/{remote_dossier['name']}"
        assert local["harvest_source_url"] == peer_portal.URL
        assert len(local["harvest_content_hash"]) == 64
        assert local["harvested_at"].startswith("20")

    def test_resources_copied(self, agency, remote):
        source = _source(agency, remote[0])
        run_job(source)
        resource = _local_for(source, remote[1][0]["id"])["resources"][0]
        assert (resource["url"], resource["document_role"]) == ("https://example.org/qd-316.pdf", "decision")


class TestSearchCommit:
    def test_searchable_before_job_finishes(self, agency, remote):
        # Dossiers are indexed without a Solr commit each; the job's last import
        # commits, so they are found before harvest_jobs_run marks the job finished.
        harvester, _, object_ids = gather_job(_source(agency, remote[0]))
        for object_id in object_ids:
            queue.fetch_and_import_stages(harvester, HarvestObject.get(object_id))
        found = tk.get_action("package_search")({"ignore_auth": True}, {"fq": f"owner_org:{agency['id']}"})
        assert found["count"] == 3


class TestReharvest:
    def test_unchanged_not_written(self, agency, remote):
        source = _source(agency, remote[0])
        run_job(source)
        before = _local_for(source, remote[1][0]["id"])["metadata_modified"]
        report = run_job(source)
        assert (report["unchanged"], report["created"], report["updated"]) == (3, 0, 0)
        assert _local_for(source, remote[1][0]["id"])["metadata_modified"] == before

    def test_edit_updates(self, peer, agency, remote):
        source = _source(agency, remote[0])
        run_job(source)
        edited = remote[1][0]
        peer.call("package_patch", id=edited["id"], title="Quy hoạch tỉnh Lào Cai (điều chỉnh)")
        report = run_job(source)
        assert (report["updated"], report["unchanged"]) == (1, 2)
        assert _local_for(source, edited["id"])["title"] == "Quy hoạch tỉnh Lào Cai (điều chỉnh)"

    def test_touch_without_change_skipped_by_hash(self, peer, agency, remote):
        source = _source(agency, remote[0])
        run_job(source)
        # A patch that sets the same value changes metadata_modified only.
        peer.call("package_patch", id=remote[1][0]["id"], title=remote[1][0]["title"])
        report = run_job(source)
        assert (report["unchanged"], report["updated"]) == (3, 0)

    def test_delete_withdraws(self, peer, agency, remote):
        source = _source(agency, remote[0])
        run_job(source)
        deleted = remote[1][0]
        local_id = _local_for(source, deleted["id"])["id"]
        peer.call("package_delete", id=deleted["id"])
        report = run_job(source)
        assert report["withdrawn"] == 1
        assert _local(local_id)["state"] == "deleted"

    def test_private_withdraws(self, peer, agency, remote):
        source = _source(agency, remote[0])
        run_job(source)
        hidden = remote[1][1]
        local_id = _local_for(source, hidden["id"])["id"]
        peer.call("package_patch", id=hidden["id"], private=True)
        report = run_job(source)
        assert report["withdrawn"] == 1
        assert _local(local_id)["state"] == "deleted"

    def test_public_again_restores(self, peer, agency, remote):
        source = _source(agency, remote[0])
        run_job(source)
        hidden = remote[1][1]
        local_id = _local_for(source, hidden["id"])["id"]
        peer.call("package_patch", id=hidden["id"], private=True)
        run_job(source)
        peer.call("package_patch", id=hidden["id"], private=False)
        report = run_job(source)
        assert report["updated"] == 1
        assert _local(local_id)["state"] == "active"


class TestIdentity:
    def test_two_sources_distinct_names(self, agency, remote):
        first = _source(agency, remote[0], name="nguon-a")
        # ckanext-harvest refuses two sources with the same URL and config.
        second = _source(agency, remote[0], name="nguon-b", dataset_type="ho-so-quy-hoach")
        run_job(first)
        run_job(second)
        guid = remote[1][0]["id"]
        names = {_local_for(first, guid)["name"], _local_for(second, guid)["name"]}
        assert len(names) == 2

    def test_collision_name_carries_source(self, agency, remote):
        first = _source(agency, remote[0], name="nguon-a")
        # ckanext-harvest refuses two sources with the same URL and config.
        second = _source(agency, remote[0], name="nguon-b", dataset_type="ho-so-quy-hoach")
        run_job(first)
        run_job(second)
        guid = remote[1][0]["id"]
        assert _local_for(second, guid)["name"] == f"{remote[1][0]['name']}-nguon-b"

    def test_rerun_after_lost_state_no_duplicate(self, agency, remote):
        source = _source(agency, remote[0])
        run_job(source)
        # An interrupted job can leave dossiers without a current harvest object.
        model.Session.query(HarvestObject).update({"current": False})
        model.Session.commit()
        run_job(source)
        count = model.Session.query(model.Package).filter_by(type="ho-so-quy-hoach", state="active").count()
        assert count == 3

    def test_rerun_interrupted_job_no_duplicate(self, agency, remote):
        from ckanext.harvest import queue
        from ckanext.harvest.model import HarvestJob

        source = _source(agency, remote[0])
        job_dict = tk.get_action("harvest_job_create")({"ignore_auth": True}, {"source_id": source["id"], "run": False})
        job = HarvestJob.get(job_dict["id"])
        harvester = queue.get_harvester("quyhoach_ckan")
        first_ids = queue.gather_stage(harvester, job)
        queue.fetch_and_import_stages(harvester, HarvestObject.get(first_ids[0]))
        tk.get_action("harvest_job_abort")({"ignore_auth": True}, {"source_id": source["id"]})
        run_job(source)
        count = model.Session.query(model.Package).filter_by(type="ho-so-quy-hoach", state="active").count()
        assert count == 3


class TestRecordErrors:
    def test_invalid_record_reported_others_import(self, peer, agency, unique):
        org = unique("so-xd")
        peer.call("organization_create", **peer_portal.agency(org))
        for i in range(2):
            peer.call("package_create", **peer_portal.dossier(org, unique(f"ok-{i}")))
        bad = peer.call("package_create", **peer_portal.dossier(org, unique("bad"), consultant="Viện Quy hoạch"))
        # Mapping the consultant text into a year field makes that one record invalid here.
        source = _source(agency, org, field_map={"consultant": "period_start"})
        report = run_job(source)
        assert (report["created"], report["errored"]) == (2, 1)
        error = report["record_errors"][0]
        assert error["guid"] == bad["id"]
        assert error["remote_url"] == f"{peer_portal.URL}/ho-so-quy-hoach/{bad['name']}"
        assert "period_start" in error["message"]
        assert bad["id"] in error["message"]
