"""The /v1 resource blueprints."""


def register_blueprints(api) -> None:
    """Register every resource blueprint on the flask-smorest Api."""
    from api.resources import agreements, articles, compare, parties, vocabularies

    for module in (agreements, articles, parties, vocabularies, compare):
        api.register_blueprint(module.blp)
