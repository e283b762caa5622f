"""Validators of the access plugin."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

TOKEN_SCOPES = ("read", "write")


def quyhoach_token_scope(value: Any) -> Any:
    """Accept an API token scope: read (side-effect-free actions only) or write (the user's full rights)."""
    if value in (None, ""):
        return value
    if value not in TOKEN_SCOPES:
        raise tk.Invalid(f"Invalid token scope {value!r}: use read or write.")
    return value


def get_validators() -> dict[str, Any]:
    return {"quyhoach_token_scope": quyhoach_token_scope}


__all__ = ["get_validators"]
