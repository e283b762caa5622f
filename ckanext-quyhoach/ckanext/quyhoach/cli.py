import click

from ckanext.quyhoach import catalogue

__all__ = ["quyhoach"]


@click.group(short_help="Quy hoạch Việt Nam commands")
def quyhoach():
    """Commands of the Quy hoạch Việt Nam portal."""


@quyhoach.command("load-catalogue")
def load_catalogue():
    """Create or update the demo catalogue's agencies and dossiers from data/."""
    report = catalogue.load_catalogue()
    for error in report.errors:
        click.secho(f"rejected {error}", fg="red", err=True)
    if not report.created and not report.updated and not report.errors:
        click.echo(f"Nothing changed: all {len(report.unchanged)} dossiers are up to date.")
    else:
        click.echo(f"Catalogue: {report.summary()}.")
