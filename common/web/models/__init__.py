"""Pydantic models of the API: requests are validated by them and OpenAPI is generated from them."""
