"""Web surface of the access plugin: the download guard, request hooks and the pages.

- `guard_download` runs before every resource download view (core's and
  each dataset type's) and returns 404 for hidden files and 403 for withheld
  ones, auditing both and every allowed download of non-public material.
- `protect_headers` makes downloads of HTML, SVG, XML and scripts attachments
  with nosniff and a sandbox CSP, so they never run from the portal's origin.
- `drop_token_on_web_forms` (installed ahead of CKAN's own before_request by
  the plugin's IMiddleware hook) ignores API tokens sent to web forms.
- `check_api_request` rejects oversized uploads before CKAN reads the body
  (413) and writes made with a read-only token (403).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from urllib.parse import quote

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.common import current_user
from ckan.lib import api_token
from flask import Blueprint, Response, jsonify, request

from ckanext.quyhoach.access import audit, rules
from ckanext.quyhoach.access.model import TokenScope

log = logging.getLogger(__name__)
blueprint = Blueprint("quyhoach_access", __name__)

# Media types a browser may execute or render as a document from our origin.
ACTIVE_TYPES = (
    "text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml",
    "text/javascript", "application/javascript", "application/x-javascript", "text/xsl",
)
ACTIVE_EXTENSIONS = (".html", ".htm", ".xhtml", ".svg", ".svgz", ".xml", ".xsl", ".js", ".mjs", ".shtml")
UPLOAD_ACTIONS = ("resource_create", "resource_update", "resource_patch", "package_create", "package_update", "package_revise")
# Room for the other form fields of an upload request, beyond the file itself.
FORM_OVERHEAD_BYTES = 1024 * 1024
READ_SCOPE = "read"


def _is_download() -> bool:
    return (request.endpoint or "").endswith("resource.download")


def guard_download() -> Any:
    """Refuse the download of a file the current user may not have; audit non-public downloads."""
    if not _is_download() or not request.view_args:
        return None
    resource = model.Resource.get(request.view_args.get("resource_id") or "")
    if resource is None or resource.state != "active":
        return None
    pkg = model.Package.get(resource.package_id)
    if pkg is None:
        return None
    user = rules.user_object(current_user)
    name = user.name if user else ""
    seen = rules.resource_visibility(user, rules.resource_level(resource), resource.id, pkg)
    non_public = rules.is_non_public(pkg, resource)
    if seen is rules.Visibility.HIDDEN:
        if non_public:
            audit.record(name, "resource", resource.id, "download", audit.DENIED)
        return tk.abort(404, tk._("Resource not found"))
    if seen is rules.Visibility.STUB:
        audit.record(name, "resource", resource.id, "download", audit.DENIED)
        return tk.abort(403, tk._("This file is restricted. Sign in and request access from the dossier's page."))
    if non_public:
        audit.record(name, "resource", resource.id, "download", _allowed_outcome(user, resource, pkg))
    return None


def _allowed_outcome(user: model.User | None, resource: model.Resource, pkg: model.Package) -> str:
    level = rules.resource_level(resource)
    if rules.dataset_visible(user, pkg, bypass=False) and rules.level_allowed(user, level, pkg.owner_org):
        return audit.ALLOWED
    if rules.has_grant(user, resource.id):
        return audit.GRANT
    return audit.SYSADMIN_BYPASS


def _download_name() -> str:
    """Return the stored (readable, sanitised) file name; CKAN's URL carries an ASCII-munged one."""
    view_args = request.view_args or {}
    resource = model.Resource.get(view_args.get("resource_id") or "")
    if resource is not None and resource.url_type == "upload" and resource.url:
        return resource.url.rsplit("/", 1)[-1]
    return view_args.get("filename") or "download"


def _is_active_content(response: Response, filename: str) -> bool:
    if (response.mimetype or "").lower() in ACTIVE_TYPES:
        return True
    return filename.lower().endswith(ACTIVE_EXTENSIONS)


def protect_headers(response: Response) -> Response:
    """Add nosniff and the readable file name to downloads; HTML, SVG, XML and scripts become sandboxed attachments."""
    if not _is_download():
        return response
    response.headers["X-Content-Type-Options"] = "nosniff"
    if response.status_code not in (200, 206):
        return response
    filename = _download_name()
    ascii_name = filename.encode("ascii", "ignore").decode() or "download"
    active = _is_active_content(response, filename)
    disposition = "attachment" if active else "inline"
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename=\"{quote(ascii_name)}\"; filename*=UTF-8''{quote(filename)}"
    )
    if active:
        response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


# Checks that run before CKAN identifies the user -------------------------------------


def _request_token() -> str | None:
    return request.headers.get(tk.config.get("apitoken_header_name")) or None


def _token_id(token: str) -> str | None:
    data = api_token.decode(token)
    return data.get("jti") if data else None


def _json_error(status: int, message: str) -> Response:
    response = jsonify({"success": False, "error": {"message": message, "__type": "Authorization Error"}})
    response.status_code = status
    return response


def _writes(action_name: str) -> bool:
    try:
        action = tk.get_action(action_name)
    except KeyError:
        return False
    return not getattr(action, "side_effect_free", False)


def _too_large() -> Response | None:
    limit = tk.config.get("ckan.max_resource_size") * 1024 * 1024 + FORM_OVERHEAD_BYTES
    if (request.content_length or 0) <= limit:
        return None
    message = (
        f"Request too large: {request.content_length / 1048576:.1f} MB. Files may be at most "
        f"{tk.config.get('ckan.max_resource_size')} MB (ckan.max_resource_size); upload a smaller file or link to it by URL."
    )
    response = jsonify({"success": False, "error": {"message": message, "__type": "Request Too Large"}})
    response.status_code = 413
    return response


def drop_token_on_web_forms() -> None:
    """Remove an API token from a write to a web page, so the request counts as anonymous.

    CKAN 2.12 (ckan_before_request in ckan/config/middleware/flask_app.py)
    exempts a view from CSRF checks for the life of the process once a
    token-authenticated request reaches it. Without the token CKAN never adds
    that exemption, so the form keeps its CSRF check for signed-in browsers.
    """
    endpoint = request.endpoint or ""
    if endpoint.startswith("api.") or request.method in ("GET", "HEAD", "OPTIONS"):
        return
    header = tk.config.get("apitoken_header_name")
    for key in ("HTTP_AUTHORIZATION", "HTTP_" + header.upper().replace("-", "_")):
        if request.environ.pop(key, None):
            log.info("Ignored an API token sent to web endpoint %s; tokens work with the Action API only", endpoint)


def check_api_request() -> Response | None:
    """Reject oversized uploads before CKAN reads the body, and writes with a read-only token."""
    endpoint = request.endpoint or ""
    action_name = (request.view_args or {}).get("logic_function", "") if endpoint.startswith("api.") else ""
    if request.method == "POST" and (action_name in UPLOAD_ACTIONS or endpoint.endswith(("resource.new", "resource.edit"))):
        too_large = _too_large()
        if too_large is not None:
            return too_large
    token = _request_token() if action_name else None
    jti = _token_id(token) if token else None
    if jti is None:
        return None
    scope = model.Session.get(TokenScope, jti)
    if scope is not None and scope.scope == READ_SCOPE and _writes(action_name):
        return _json_error(403, f"This API token is read-only and cannot call {action_name}; create a token without scope=read.")
    return None


# Pages -----------------------------------------------------------------------------


def _context() -> dict[str, Any]:
    return {"user": current_user.name if current_user.is_authenticated else "", "auth_user_obj": current_user}


def _flash_errors(error: tk.ValidationError) -> None:
    for field, messages in (error.error_dict or {}).items():
        text = "; ".join(str(m) for m in messages) if isinstance(messages, list) else str(messages)
        tk.h.flash_error(f"{field}: {text}")


@blueprint.route("/dataset/<id>/resource/<resource_id>/request-access", methods=["GET", "POST"])
def request_access(id: str, resource_id: str) -> Any:
    if not current_user.is_authenticated:
        return tk.redirect_to("user.login", came_from=request.path)
    context = _context()
    try:
        resource = tk.get_action("resource_show")(context, {"id": resource_id})
        pkg = tk.get_action("package_show")(context, {"id": resource["package_id"]})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Resource not found"))
    if request.method == "POST":
        try:
            tk.get_action("quyhoach_access_request_create")(
                context, {"resource_id": resource_id, "reason": request.form.get("reason", "")}
            )
        except tk.ValidationError as error:
            _flash_errors(error)
        else:
            tk.h.flash_success(tk._("Your request was sent to the agency that owns the dossier."))
            return tk.redirect_to("quyhoach_access.requests")
    return tk.render("quyhoach/access/request_form.html", {"pkg": pkg, "res": resource, "reason": request.form.get("reason", "")})


@blueprint.route("/dashboard/access-requests")
def requests() -> Any:
    if not current_user.is_authenticated:
        return tk.redirect_to("user.login", came_from=request.path)
    scope = request.args.get("scope", "mine")
    try:
        rows = tk.get_action("quyhoach_access_request_list")(_context(), {"scope": scope, "status": request.args.get("status")})
    except tk.ValidationError:
        return tk.abort(400, tk._("Invalid scope: use mine or to_decide."))
    return tk.render("quyhoach/access/requests.html", {"rows": rows, "scope": scope})


@blueprint.route("/dashboard/access-requests/<request_id>/<decision>", methods=["POST"])
def decide(request_id: str, decision: str) -> Any:
    if decision not in ("approve", "refuse"):
        return tk.abort(404, tk._("Page not found"))
    data = {"id": request_id, "days": request.form.get("days"), "reason": request.form.get("reason", "")}
    try:
        tk.get_action(f"quyhoach_access_request_{decision}")(_context(), data)
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only an admin of the agency that owns the dossier may decide this request."))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Access request not found"))
    except tk.ValidationError as error:
        _flash_errors(error)
    else:
        tk.h.flash_success(tk._("Decision saved; the requester has been notified."))
    return tk.redirect_to("quyhoach_access.requests", scope="to_decide")


@blueprint.route("/ckan-admin/clearances", methods=["GET", "POST"])
def clearances() -> Any:
    context = _context()
    try:
        tk.check_access("quyhoach_clearance_list", context, {})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only sysadmins may manage clearances."))
    if request.method == "POST":
        _save_clearance(context)
    rows = tk.get_action("quyhoach_clearance_list")(context, {})
    return tk.render("quyhoach/access/clearances.html", {"rows": rows})


def _save_clearance(context: dict[str, Any]) -> None:
    data = {key: request.form.get(key, "") for key in ("user", "level", "note")}
    try:
        if data["level"] == "public":
            tk.get_action("quyhoach_clearance_revoke")(context, data)
        else:
            tk.get_action("quyhoach_clearance_set")(context, data)
    except tk.ValidationError as error:
        _flash_errors(error)
    except tk.ObjectNotFound as error:
        tk.h.flash_error(str(error))
    else:
        tk.h.flash_success(tk._("Clearance saved."))


AUDIT_FILTERS = ("user_name", "object_id", "action", "outcome", "since", "until")


def _audit_rows(limit: int) -> tuple[dict[str, Any], dict[str, str]] | Response:
    filters = {key: request.args.get(key, "") for key in AUDIT_FILTERS}
    context = _context()
    try:
        result = tk.get_action("quyhoach_audit_list")(context, dict(filters, limit=limit))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only sysadmins may read the audit log."))
    except tk.ValidationError as error:
        _flash_errors(error)
        result = {"count": 0, "results": []}
    return result, filters


@blueprint.route("/ckan-admin/audit")
def audit_log() -> Any:
    rows = _audit_rows(200)
    if isinstance(rows, Response):
        return rows
    result, filters = rows
    return tk.render("quyhoach/access/audit.html", {"result": result, "filters": filters})


@blueprint.route("/ckan-admin/audit.csv")
def audit_csv() -> Any:
    rows = _audit_rows(10000)
    if isinstance(rows, Response):
        return rows
    result, _filters = rows
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return Response(
        audit.to_csv(result["results"]),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=quyhoach-audit-{stamp}.csv"},
    )


blueprint.before_app_request(check_api_request)
blueprint.before_app_request(guard_download)
blueprint.after_app_request(protect_headers)


__all__ = ["blueprint", "drop_token_on_web_forms"]
