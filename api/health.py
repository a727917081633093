"""Liveness and readiness probes."""
from flask import Blueprint, jsonify

from api.db import get_engine
from api.errors import Problem

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz():
    """The process is alive; says nothing about the database."""
    return jsonify(status="ok")


@blueprint.get("/readyz")
def readyz():
    """The database answers and is migrated to the head revision."""
    # Imported here, not at module level: alembic costs every worker memory for a probe few requests make.
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from api.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    try:
        with get_engine().connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except Exception as error:  # any failure to reach the database means "not ready"
        raise Problem(503, f"The database is unreachable ({type(error).__name__}).",
                      type_="database-unavailable", headers={"Retry-After": "5"}) from error
    if current != head:
        raise Problem(503, f"The database is at migration {current or 'none'}, not at head {head}; run `make migrate`.",
                      type_="database-not-migrated", headers={"Retry-After": "30"})
    return jsonify(status="ready", migration=current)
