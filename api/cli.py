"""Management commands: `treaty-api <command>` (same as `flask --app api <command>`)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from api import create_app


@click.command("migrate")
@click.option("--revision", default="head", show_default=True, help="Alembic revision to upgrade to.")
@with_appcontext
def migrate_command(revision: str) -> None:
    """Apply database migrations to DATABASE_URL."""
    from api import migrate  # alembic is only needed here: keep it out of every server worker

    migrate.upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database migrated to {revision}.")


def register(app) -> None:
    from api.seeding import register_commands

    app.cli.add_command(migrate_command)
    register_commands(app)


cli = FlaskGroup(create_app=create_app, add_version_option=False, help=__doc__)


def main() -> None:
    cli(prog_name="treaty-api")
