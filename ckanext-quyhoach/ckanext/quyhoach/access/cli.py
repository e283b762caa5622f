"""`ckan quyhoach-access ...` commands."""

from __future__ import annotations

import click

from ckanext.quyhoach.access import samples

__all__ = ["quyhoach_access"]


@click.group("quyhoach-access", short_help="Secrecy levels, clearances and access requests")
def quyhoach_access() -> None:
    """Commands of the quyhoach_access plugin."""


@quyhoach_access.command("load-samples")
def load_samples() -> None:
    """Create the labelled sample dossiers that show the access rules (idempotent)."""
    created = samples.create_samples()
    if created:
        click.echo(f"Created sample dossiers: {', '.join(created)}.")
    else:
        click.echo("Sample dossiers already present; nothing changed.")
