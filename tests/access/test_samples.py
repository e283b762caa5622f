"""The demo's labelled sample dossiers show the access rules."""

from __future__ import annotations

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import helpers

from ckanext.quyhoach.access import samples


@pytest.fixture
def created(clean_db, clean_index):
    return samples.create_samples()


def test_both_samples_created(created):
    assert sorted(created) == sorted([samples.RESTRICTED_NAME, samples.PUBLIC_NAME])


def test_second_run_creates_nothing(created):
    assert samples.create_samples() == []


def test_titles_marked_as_samples(created):
    titles = [helpers.call_action("package_show", id=name)["title"] for name in created]

    assert all(title.startswith(samples.SAMPLE_PREFIX) for title in titles)


def test_restricted_sample_hidden_from_public(created):
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("package_show", {"user": "", "ignore_auth": False}, id=samples.RESTRICTED_NAME)


def test_public_sample_withholds_map(created):
    shown = helpers.call_action("package_show", {"user": "", "ignore_auth": False}, id=samples.PUBLIC_NAME)
    maps = [res for res in shown["resources"] if res["document_role"] == "map"]

    assert [res["url"] for res in maps] == [""]
