"""Plugins of the harvesters: one per protocol, plus ``quyhoach_harvest``,
which declares the config options, adds the job report and manifest check
actions and the job report helper, and shows the job counts on the harvest
job pages.

Enable ``quyhoach_harvest`` with any of the harvester plugins; the harvesters
read their options through it.
"""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from . import manifest, report


@tk.blanket.config_declarations
class QuyhoachHarvestPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IActions)
    p.implements(p.ITemplateHelpers)

    def update_config(self, config):
        # Our snippets/job_details.html replaces ckanext-harvest's: the
        # template directory of the plugin listed first wins, and
        # config/base.ini lists this plugin before harvest.
        tk.add_template_directory(config, "templates")

    def get_actions(self):
        return {
            "quyhoach_harvest_job_report": report.quyhoach_harvest_job_report,
            "quyhoach_manifest_check": manifest.quyhoach_manifest_check,
        }

    def get_helpers(self):
        return {"quyhoach_harvest_job_report": report.job_report}


__all__ = ["QuyhoachHarvestPlugin"]
