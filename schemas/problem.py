"""RFC 9457 problem details, the body of every error response."""
from marshmallow import Schema, fields


class InvalidParamSchema(Schema):
    name = fields.String(required=True, metadata={"description": "The query parameter (or path segment) at fault.", "example": "partie"})
    value = fields.Raw(metadata={"description": "The value that was sent, when there was one.", "example": "RUS"})
    reason = fields.String(required=True, metadata={"description": "Why it was rejected.", "example": "Unknown parameter."})


class ProblemSchema(Schema):
    type = fields.String(required=True, metadata={"description": "A URI reference naming the kind of problem; `about:blank` for plain HTTP errors.", "example": "/problems/invalid-parameters"})
    title = fields.String(required=True, metadata={"example": "Invalid request parameters"})
    status = fields.Integer(required=True, metadata={"example": 400})
    detail = fields.String(required=True, metadata={"description": "What was wrong, in words.", "example": "partie: Unknown parameter."})
    instance = fields.String(metadata={"description": "The path of the request.", "example": "/v1/agreements"})
    request_id = fields.String(metadata={"description": "Also in the X-Request-ID header; quote it when reporting a problem."})
    invalid_params = fields.List(fields.Nested(InvalidParamSchema), metadata={"description": "Each rejected parameter, for 400 problems."})
