"""The /v1 resource blueprints."""


def register_blueprints(api) -> None:
    """Register every resource blueprint on the flask-smorest Api."""
