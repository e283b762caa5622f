"""Plugins of the harvesters: one per protocol, plus ``quyhoach_harvest``,
which declares the config options and adds the job report and manifest check
actions and the job report helper.

Enable ``quyhoach_harvest`` with any of the harvester plugins; the harvesters
read their options through it.
"""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from . import manifest, report


@tk.blanket.config_declarations
class QuyhoachHarvestPlugin(p.SingletonPlugin):
    p.implements(p.IActions)
    p.implements(p.ITemplateHelpers)

    def get_actions(self):
        return {
            "quyhoach_harvest_job_report": report.quyhoach_harvest_job_report,
            "quyhoach_manifest_check": manifest.quyhoach_manifest_check,
        }

    def get_helpers(self):
        return {"quyhoach_harvest_job_report": report.job_report}


__all__ = ["QuyhoachHarvestPlugin"]
