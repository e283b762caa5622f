"""Command line of the portal: `ckan quyhoach ...`."""

from __future__ import annotations

import sys

import click

from ckanext.quyhoach import catalogue

__all__ = ["quyhoach"]


@click.group(short_help="Quy hoạch Việt Nam commands")
def quyhoach():
    """Commands of the Quy hoạch Việt Nam portal."""


@quyhoach.command("load-catalogue")
@click.option(
    "--file",
    "csv_file",
    type=click.File("r", encoding="utf-8"),
    help="A plans CSV with the columns of data/plans.csv; default: data/plans.csv.",
)
def load_catalogue(csv_file):
    """Create or update the demo catalogue's agencies and dossiers from data/.

    Exits with status 1 when a row was rejected; the other rows are loaded.
    """
    try:
        report = catalogue.load_catalogue(csv_file.read() if csv_file else None)
    except ValueError as error:
        click.secho(f"Catalogue not loaded: {error}", fg="red", err=True)
        sys.exit(1)
    for error in report.errors:
        click.secho(f"rejected {error}", fg="red", err=True)
    if not report.changed and not report.errors:
        click.echo(f"Nothing changed: all {len(report.unchanged)} dossiers are up to date.")
    else:
        click.echo(f"Catalogue: {report.summary()}.")
    if report.errors:
        sys.exit(1)
