"""Parties and the agreements each is party to."""
from __future__ import annotations

from flask.views import MethodView

from api.db import get_session
from api.queries import agreements as agreement_queries, catalog
from api.resources.agreements import AGREEMENT_CSV
from api.resources.common import blueprint, column, documented, list_response
from schemas.args import ItemArgs, PartyAgreementListArgs, PartyListArgs
from schemas.resources import AgreementPageSchema, PartyPageSchema, PartySchema

blp = blueprint("parties", __name__, "States, organisations and companies that are parties to agreements.")

PARTY_CSV = [(name, column(name)) for name in ("code", "name", "kind", "agreement_count")]


@blp.route("/parties")
class Parties(MethodView):
    @blp.arguments(PartyListArgs, location="query", unknown=None)
    @blp.response(200, PartyPageSchema)
    @documented(blp, csv=True)
    def get(self, args):
        """List parties

        States (ISO 3166-1 alpha-3 codes), organisations and companies, with the number of agreements each
        is a party to; filter by `kind`."""
        return list_response(catalog.PARTIES, catalog.party_conditions(args), args, PARTY_CSV, "parties",
                             PartyPageSchema)


@blp.route("/parties/<string:code>")
class PartyDetail(MethodView):
    @blp.arguments(ItemArgs, location="query", unknown=None)
    @blp.response(200, PartySchema)
    @documented(blp, not_found=True)
    def get(self, _args, code):
        """Get a party

        One party by its code; its agreements are at /v1/parties/{code}/agreements."""
        return catalog.party(get_session(), code)


@blp.route("/parties/<string:code>/agreements")
class PartyAgreements(MethodView):
    @blp.arguments(PartyAgreementListArgs, location="query", unknown=None)
    @blp.response(200, AgreementPageSchema)
    @documented(blp, not_found=True, csv=True)
    def get(self, args, code):
        """List a party's agreements

        The agreements this party is a party to; every filter of /v1/agreements applies as well."""
        conditions = agreement_queries.conditions(get_session(), args, party_code=code)
        return list_response(agreement_queries.LISTING, conditions, args, AGREEMENT_CSV, f"{code}-agreements",
                             AgreementPageSchema)
