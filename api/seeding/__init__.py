"""Seed import and export."""


def register_commands(app) -> None:
    """Add the seed, export and import-text commands to the app's CLI."""
    from api.seeding.commands import export_command, import_text_command, seed_command

    app.cli.add_command(seed_command)
    app.cli.add_command(export_command)
    app.cli.add_command(import_text_command)
