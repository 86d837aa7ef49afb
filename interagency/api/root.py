"""The API: one NinjaAPI instance; each domain app adds a router."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Interagency API",
    version="1",
    urls_namespace="api",
    docs_url="docs",
    openapi_url="openapi.json",
)
