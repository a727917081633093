"""Articles across all agreements."""
from __future__ import annotations

from flask.views import MethodView

from api import renderings
from api.db import get_session
from api.queries import articles as queries
from api.resources.agreements import ARTICLE_CSV
from api.resources.common import blueprint, documented, list_response
from schemas.args import ArticleListArgs
from schemas.resources import ArticlePageSchema

blp = blueprint("articles", __name__, "Articles of every agreement, tagged with sectors and clause types.")


@blp.route("/articles")
class Articles(MethodView):
    @blp.arguments(ArticleListArgs, location="query", unknown=None)
    @blp.response(200, ArticlePageSchema)
    @documented(blp, csv=True)
    def get(self, args):
        """List articles

        Across agreements: filter by agreement, party, sector, clause type, whether the full text is held,
        and full text."""
        conditions = queries.conditions(get_session(), args)
        return list_response(queries.LISTING, conditions, args, ARTICLE_CSV, "articles", ArticlePageSchema,
                             stored=renderings.article_items)
