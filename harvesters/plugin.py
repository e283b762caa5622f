"""Plugins of the harvesters: one per protocol, plus ``quyhoach_harvest``,
which declares the config options, adds the job report and manifest check
actions, the job report helper and the ``ckan quyhoach-harvest report``
command, and shows the job counts on the harvest job pages.

Enable ``quyhoach_harvest`` with any of the harvester plugins; the harvesters
read their options through it.
"""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from . import cli, manifest, report


# ckanext-harvest 1.6.3 on CKAN 2.12: the copy of a source kept in the search
# index is validated with the create schema, so it lacks source_type, config
# and frequency, and `ckan harvester run-test` and `source create` fail with
# KeyError or AttributeError. Sources are few, so read them from the database.
@tk.side_effect_free
@tk.chained_action
def harvest_source_show(up_func, context, data_dict):
    tk.check_access("harvest_source_show", context, data_dict)
    context["use_cache"] = False
    return up_func(context, data_dict)


@tk.chained_action
def harvest_source_create(up_func, context, data_dict):
    tk.check_access("harvest_source_create", context, data_dict)
    created = up_func(context, data_dict)
    # A fresh context: the create context carries the create schema. The
    # creator passed package_create's auth check, so may read the source.
    return tk.get_action("harvest_source_show")({"user": context.get("user"), "ignore_auth": True}, {"id": created["id"]})


@tk.blanket.config_declarations
class QuyhoachHarvestPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IClick)
    p.implements(p.IActions)
    p.implements(p.ITemplateHelpers)

    def update_config(self, config):
        # Our snippets/job_details.html replaces ckanext-harvest's: the
        # template directory of the plugin listed first wins, and
        # config/base.ini lists this plugin before harvest.
        tk.add_template_directory(config, "templates")

    def get_commands(self):
        return [cli.quyhoach_harvest]

    def get_actions(self):
        return {
            "quyhoach_harvest_job_report": report.quyhoach_harvest_job_report,
            "quyhoach_manifest_check": manifest.quyhoach_manifest_check,
            "harvest_source_show": harvest_source_show,
            "harvest_source_create": harvest_source_create,
        }

    def get_helpers(self):
        return {"quyhoach_harvest_job_report": report.job_report}


__all__ = ["QuyhoachHarvestPlugin"]
