"""HTTP layer of the api function: routing, parsing, JWT, errors, pagination, OpenAPI."""
