"""Upload hygiene: readable, safe file names and a size check with a clear message.

`safe_filename` is pure so it can be tested without CKAN. `ResourceUploader`
wraps CKAN's default resource uploader (IUploader) and only replaces the
file name CKAN derives with `munge_filename`, which turns "Bản đồ.pdf" into
"ban-o.pdf" and keeps Windows paths as part of the name.
"""

from __future__ import annotations

import os
import re
import unicodedata
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib import files, uploader
from werkzeug.datastructures import FileStorage

MAX_NAME_LENGTH = 120
FALLBACK_NAME = "tep-tin"
# Characters that are unsafe in a URL path segment or reserved in file names on Windows.
UNSAFE_CHARACTERS = re.compile(r'[<>:"|?*#%&;\'`$\\/{}\[\]^~]')
MB = 1024 * 1024


def safe_filename(raw: str | None) -> str:
    """Return the base name of RAW without client paths, dot runs and unsafe characters.

    Vietnamese letters stay (in NFC form), so "C:\\Hồ sơ\\Bản đồ quy hoạch.pdf"
    becomes "Bản-đồ-quy-hoạch.pdf".
    """
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"\s+", " ", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = UNSAFE_CHARACTERS.sub("", name)
    name = re.sub(r"\.{2,}", ".", name)
    stem, extension = os.path.splitext(name.strip(" ."))
    stem = re.sub(r"[\s-]+", "-", stem).strip(".-")
    extension = re.sub(r"\s+", "", extension)[:16]
    if not stem:
        return FALLBACK_NAME + extension
    return stem[: MAX_NAME_LENGTH - len(extension)] + extension


def _upload_size(upload: FileStorage) -> int:
    stream = upload.stream
    position = stream.tell()
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(position)
    return size


def check_size(upload: FileStorage) -> None:
    """Raise ValidationError naming the upload field and the limit when UPLOAD is too large."""
    limit_mb = uploader.get_max_resource_size()
    size = _upload_size(upload)
    if size > limit_mb * MB:
        raise tk.ValidationError(
            {
                "upload": [
                    f"File too large: {size / MB:.1f} MB, the limit is {limit_mb} MB "
                    "(ckan.max_resource_size). Upload a smaller file or link to it by URL."
                ]
            }
        )


def default_resource_uploader(data_dict: dict[str, Any]) -> Any:
    """Return the uploader CKAN would pick without plugins."""
    try:
        files.get_storage(tk.config["ckan.files.default_storages.resource"])
    except files.exc.UnknownStorageError:
        return uploader.ResourceUpload(data_dict)
    return uploader.FKResourceUpload(data_dict)


def resource_uploader(data_dict: dict[str, Any]) -> Any:
    """Return CKAN's default uploader for DATA_DICT with our file name and size check applied."""
    upload = data_dict.get("upload")
    if isinstance(upload, FileStorage) and upload.filename:
        check_size(upload)
        name = safe_filename(upload.filename)
        handler = default_resource_uploader(data_dict)
        handler.filename = name
        data_dict["url"] = name
        return handler
    return default_resource_uploader(data_dict)


__all__ = ["safe_filename", "resource_uploader", "check_size"]
