"""Agreements side by side."""
from __future__ import annotations

from flask.views import MethodView

from api.db import get_session
from api.queries import catalog
from api.resources.common import blueprint, documented
from schemas.args import CompareArgs
from schemas.resources import CompareSchema

blp = blueprint("compare", __name__, "Which articles of each agreement carry each sector and clause type.")


@blp.route("/compare")
class Compare(MethodView):
    @blp.arguments(CompareArgs, location="query", unknown=None)
    @blp.response(200, CompareSchema)
    @documented(blp)
    def get(self, args):
        """Compare agreements

        For every sector and clause type, the articles of each agreement that carry it; an empty list where an
        agreement lacks it."""
        return catalog.compare(get_session(), args["agreements"])
