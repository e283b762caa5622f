"""Command line of the harvesters: `ckan quyhoach-harvest ...`."""

from __future__ import annotations

import sys

import click

import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.harvest.model import HarvestJob

from . import report as job_report

__all__ = ["quyhoach_harvest"]

COUNT_NAMES = ("expected", "received", "created", "updated", "unchanged", "withdrawn", "errored", "pending")


@click.group("quyhoach-harvest", short_help="Harvest reports of Quy hoạch Việt Nam")
def quyhoach_harvest():
    """Harvest commands of the Quy hoạch Việt Nam portal."""


@quyhoach_harvest.command("report")
@click.argument("source")
def report(source):
    """Print the counts and errors of SOURCE's latest harvest job.

    SOURCE is the harvest source's name or id. Exits with status 1 when the
    source or its jobs are not found, and 2 when the job has errors.
    """
    package = model.Package.get(source)
    if package is None or package.type != "harvest":
        click.secho(f'Harvest source "{source}" not found. List sources with: ckan harvester sources', fg="red", err=True)
        sys.exit(1)
    job = (
        model.Session.query(HarvestJob)
        .filter(HarvestJob.source_id == package.id)
        .order_by(HarvestJob.created.desc())
        .first()
    )
    if job is None:
        click.secho(f'Source "{package.name}" has no harvest job yet. Run one with: ckan harvester run-test {package.name}', fg="red", err=True)
        sys.exit(1)
    result = job_report.job_report(job.id)
    click.echo(f"Job {job.id} of {package.name}: {job.status}")
    click.echo("  " + ", ".join(f"{name} {result[name] if result[name] is not None else '-'}" for name in COUNT_NAMES))
    for message in result["gather_errors"]:
        click.secho(f"  job error: {message}", fg="red")
    for error in result["record_errors"]:
        click.secho(f"  {error['guid']} ({error['remote_url'] or 'no URL'}), {error['stage']}: {error['message']}", fg="red")
    if result["gather_errors"] or result["record_errors"]:
        sys.exit(2)
