"""Seed import and export."""


def register_commands(app) -> None:
    """Add the seed, export and import-text commands to the app's CLI."""
