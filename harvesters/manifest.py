"""Push path: a manifest of dossiers (JSON or CSV), served at the source URL.

Agencies without a portal publish one file listing their dossiers, one entry
(or CSV row) per dossier with its files. The whole manifest is checked against
the dossier schema before anything is imported: when any entry has a problem,
the job imports nothing and its gather error lists every problem with the
entry's line (CSV) or position (JSON), its id and the field.
``quyhoach_manifest_check`` runs the same check on an uploaded manifest.

JSON: ``{"dossiers": [{"id": "...", "title": "...", <dossier fields>,
"files": [{"url": "...", "document_role": "decision", "name": "...",
"format": "PDF"}]}]}`` (a bare list of entries also works).

CSV: a header row of dossier field names plus ``id`` and ``files``. List
fields (``province_codes``, ``tags``) separate values with ``;``. ``files``
lists ``document_role|url|name`` triples separated by ``;``.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import plugins as lib_plugins

from . import http, mapping
from .base import Listing, QuyhoachHarvester, RecordError
from .mapping import Mapping, RemoteRecord
from .store import Entry

RECORD_KEYS = ("id", "title", "files", "tags")
# Fields the harvester fills, ignored in the schema check of a manifest entry.
FILLED_FIELDS = ("id", "name", "owner_org")


def _check_format(value: Any) -> str | None:
    return None if value in ("json", "csv") else 'must be "json" or "csv"'


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _csv_files(value: str) -> list[dict[str, str]]:
    files = []
    for item in _split(value):
        parts = [part.strip() for part in item.split("|")]
        files.append({"document_role": parts[0], "url": parts[1] if len(parts) > 1 else "", "name": parts[2] if len(parts) > 2 else ""})
    return files


def parse_entries(text: str, kind: str) -> list[tuple[str, dict[str, Any]]]:
    """Return (position, entry) pairs of a manifest; raise RecordError when it cannot be read."""
    if kind == "csv":
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or "id" not in reader.fieldnames:
            raise RecordError("the CSV manifest needs a header row with an id column")
        entries = []
        for row in reader:
            entry: dict[str, Any] = {k: (v or "").strip() for k, v in row.items() if k}
            entry["files"] = _csv_files(entry.get("files", ""))
            entry["tags"] = _split(entry.get("tags", ""))
            entries.append((f"line {reader.line_num}", entry))
        return entries
    try:
        data = json.loads(text)
    except ValueError as error:
        raise RecordError(f"the JSON manifest is not valid JSON: {error}") from error
    items = data.get("dossiers") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise RecordError('the JSON manifest must be a list of entries or an object with a "dossiers" list')
    return [(f"entry {i + 1}", item) for i, item in enumerate(items)]


def detect_format(url_or_name: str, content_type: str, configured: str | None) -> str:
    if configured:
        return configured
    if "csv" in content_type or url_or_name.lower().split("?")[0].endswith(".csv"):
        return "csv"
    return "json"


def record_from_entry(entry: dict[str, Any], remote_url: str) -> RemoteRecord:
    files = entry.get("files") or []
    return RemoteRecord(
        remote_id=str(entry.get("id", "")),
        remote_url=remote_url,
        title=str(entry.get("title", "")),
        fields={k: v for k, v in entry.items() if k not in RECORD_KEYS},
        tags=[str(tag) for tag in entry.get("tags") or []],
        resources=[{k: f.get(k) for k in ("url", "name", "description", "format", "document_role", "map_theme", "map_scale", "sha256")} for f in files if isinstance(f, dict)],
    )


def _schema_problems(dossier: dict[str, Any]) -> list[str]:
    plugin = lib_plugins.lookup_package_plugin(mapping.DATASET_TYPE)
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"model": model, "session": model.Session, "user": site_user["name"], "ignore_auth": True}
    candidate = dict(dossier, name="quyhoach-manifest-check")
    _, errors = plugin.validate(context, candidate, plugin.create_package_schema(), "package_create")
    problems = []
    for name, messages in errors.items():
        if name in FILLED_FIELDS or not messages:
            continue
        if name == "resources":
            for index, resource_errors in enumerate(messages):
                for key, texts in (resource_errors or {}).items():
                    problems.append(f"files[{index + 1}].{key}: {'; '.join(map(str, texts))}")
            continue
        problems.append(f"{name}: {'; '.join(map(str, messages)) if isinstance(messages, list) else messages}")
    return problems


def check_manifest(text: str, kind: str, settings: Mapping, owner_org: str, url: str) -> tuple[list[tuple[str, dict]], list[str]]:
    """Check every entry; return (entries, problems). Problems name the position, id and field."""
    entries = parse_entries(text, kind)
    problems: list[str] = []
    seen: dict[str, str] = {}
    for position, entry in entries:
        if not isinstance(entry, dict):
            problems.append(f"{position}: must be an object")
            continue
        entry_id = str(entry.get("id") or "").strip()
        label = f"{position} (id {entry_id or 'missing'})"
        if not entry_id:
            problems.append(f"{label}: id: missing; give every dossier a stable id")
        elif entry_id in seen:
            problems.append(f"{label}: id: duplicate of {seen[entry_id]}; ids must be unique")
        seen.setdefault(entry_id, position)
        dossier = mapping.apply(record_from_entry(entry, f"{url}#{entry_id}"), settings, owner_org)
        problems += [f"{label}: {problem}" for problem in _schema_problems(dossier)]
    if not entries:
        problems.append("the manifest lists no dossiers")
    return entries, problems


class ManifestHarvester(QuyhoachHarvester):
    source_type = "quyhoach_manifest"
    title = "Manifest JSON/CSV (Quy hoạch)"
    description = "Dossiers listed in a JSON or CSV manifest published by an agency"
    config_keys = {"format": _check_format}

    def list_records(self, source_url: str, settings: Mapping) -> Listing:
        response = http.fetch(source_url)
        kind = detect_format(source_url, response.content_type, settings.protocol.get("format"))
        entries, problems = check_manifest(response.text(), kind, settings, settings.owner_org or "", source_url)
        if problems:
            raise RecordError(
                f"the manifest has {len(problems)} problem(s) and nothing was imported:\n" + "\n".join(problems)
            )
        listing = Listing(expected=len(entries))
        for _, entry in entries:
            guid = str(entry["id"]).strip()
            listing.entries.append(Entry(guid=guid, remote_url=f"{source_url}#{guid}", content=json.dumps(entry, ensure_ascii=False)))
        return listing

    def parse_record(self, content: str, guid: str, settings: Mapping) -> RemoteRecord:
        return record_from_entry(json.loads(content), "")


@tk.side_effect_free
def quyhoach_manifest_check(context, data_dict):
    """Check a manifest against the dossier schema without importing anything.

    :param manifest: the manifest text (or ``upload``, an uploaded file)
    :type manifest: string
    :param format: ``json`` or ``csv`` (default: guessed from the upload's name)
    :type format: string
    :param owner_org: the agency the dossiers would belong to
    :type owner_org: string
    :returns: ``valid``, ``count`` and ``problems`` (one message per problem)
    :rtype: dictionary
    """
    tk.check_access("package_create", context, {"owner_org": data_dict.get("owner_org")})
    upload = data_dict.get("upload")
    text = upload.read().decode("utf-8-sig") if hasattr(upload, "read") else data_dict.get("manifest")
    if not text:
        raise tk.ValidationError({"manifest": ["Missing value: send the manifest text or upload the file"]})
    name = getattr(upload, "filename", "") or ""
    kind = detect_format(name, "", data_dict.get("format"))
    owner = data_dict.get("owner_org") or ""
    try:
        entries, problems = check_manifest(text, kind, Mapping(), owner, name or "manifest")
    except RecordError as error:
        return {"valid": False, "count": 0, "problems": [str(error)]}
    return {"valid": not problems, "count": len(entries), "problems": problems}
