"""Checks and the SHA-256 checksum of files uploaded as dossier resources.

An upload is rejected before anything is saved when its extension is not
allowed, when its content does not match the extension, or when it is larger
than ckanext.quyhoach.upload.max_size. Accepted uploads get their `sha256`.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

import ckan.plugins.toolkit as tk

CHUNK_SIZE = 1024 * 1024

# Leading bytes that files of an extension start with. Extensions that are
# allowed but missing here (rar, 7z, dxf, shp...) are checked by name only.
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "zip": (b"PK\x03\x04", b"PK\x05\x06"),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",),
    "ods": (b"PK\x03\x04",),
    "kmz": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0",),
    "xls": (b"\xd0\xcf\x11\xe0",),
    "gpkg": (b"SQLite format 3\x00",),
    "tif": (b"II*\x00", b"MM\x00*"),
    "tiff": (b"II*\x00", b"MM\x00*"),
    "png": (b"\x89PNG",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "dwg": (b"AC10",),
}
_JSON_EXTENSIONS = ("json", "geojson")
_XML_EXTENSIONS = ("kml", "gml", "xml")


def _extension(filename: str) -> str:
    return os.path.splitext(filename)[1].lstrip(".").lower()


def _reject(message: str) -> tk.ValidationError:
    return tk.ValidationError({"upload": [message]})


def _is_upload(value: Any) -> bool:
    return hasattr(value, "stream") and bool(getattr(value, "filename", ""))


def _read_and_hash(upload: Any, max_bytes: int) -> tuple[str, int, bytes]:
    """Return the SHA-256, the size and the first 64 KiB, then rewind the stream."""
    digest = hashlib.sha256()
    size = 0
    head = b""
    stream = upload.stream
    stream.seek(0)
    while chunk := stream.read(CHUNK_SIZE):
        if len(head) < 65536:
            head += chunk[: 65536 - len(head)]
        digest.update(chunk)
        size += len(chunk)
        if size > max_bytes:
            break
    stream.seek(0)
    return digest.hexdigest(), size, head


def _check_content(extension: str, head: bytes, size: int, upload: Any) -> bool:
    signatures = _SIGNATURES.get(extension)
    if signatures:
        return head.startswith(signatures)
    if extension in _JSON_EXTENSIONS:
        return _is_json_object(upload, size)
    if extension in _XML_EXTENSIONS:
        return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
    return True


def _is_json_object(upload: Any, size: int) -> bool:
    """Parse a JSON upload; GeoJSON must be an object with a "type" member."""
    stream = upload.stream
    try:
        document = json.loads(stream.read(size).decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return False
    finally:
        stream.seek(0)
    return isinstance(document, dict) and (
        _extension(upload.filename) != "geojson" or "type" in document
    )


def check_upload(resource: dict[str, Any]) -> None:
    """Check the file in resource["upload"] and store its sha256 on the resource.

    Raises ValidationError on the `upload` field; does nothing without a file.
    """
    upload = resource.get("upload")
    if not _is_upload(upload):
        return
    extension = _extension(upload.filename)
    allowed = tk.config.get("ckanext.quyhoach.upload.allowed_extensions")
    if extension not in allowed:
        raise _reject(
            tk._(
                'Files of type ".{extension}" are not accepted. Upload one of: '
                "{allowed}."
            ).format(extension=extension or "?", allowed=", ".join(allowed))
        )
    max_mb = tk.config.get("ckanext.quyhoach.upload.max_size")
    sha256, size, head = _read_and_hash(upload, max_mb * 1024 * 1024)
    if size > max_mb * 1024 * 1024:
        raise _reject(
            tk._(
                "The file is larger than {max_mb} MB. Split it, compress it, or "
                "publish it as a link to where it is stored."
            ).format(max_mb=max_mb)
        )
    if not _check_content(extension, head, size, upload):
        raise _reject(
            tk._(
                'The content of "{filename}" is not a valid .{extension} file. '
                "Check that the file is not damaged and that its extension "
                "matches its type."
            ).format(filename=upload.filename, extension=extension)
        )
    resource["sha256"] = sha256


def keep_checksum(current: dict[str, Any], resource: dict[str, Any]) -> None:
    """Keep the stored sha256 on an update that replaces neither file nor link."""
    if _is_upload(resource.get("upload")) or resource.get("sha256"):
        return
    url = resource.get("url") or ""
    # The edit form sends an uploaded file's URL as its bare file name.
    same_file = not url or os.path.basename(url) == os.path.basename(current.get("url") or "")
    if same_file and current.get("sha256"):
        resource["sha256"] = current["sha256"]
