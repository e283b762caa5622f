"""Auth functions of the portal's actions: a user who may see a dossier may read them."""

from __future__ import annotations

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

__all__ = ["quyhoach_dossier_amendments", "quyhoach_dossier_completeness"]


@tk.auth_allow_anonymous_access
def quyhoach_dossier_completeness(context: Context, data_dict: DataDict) -> AuthResult:
    return authz.is_authorized("package_show", context, data_dict)


@tk.auth_allow_anonymous_access
def quyhoach_dossier_amendments(context: Context, data_dict: DataDict) -> AuthResult:
    return authz.is_authorized("package_show", context, data_dict)
