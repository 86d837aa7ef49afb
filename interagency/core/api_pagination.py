"""The one pagination every list endpoint uses: ``?page=N&page_size=M``.

Responses read ``{"count", "page", "page_size", "next", "previous", "results"}``
where ``next`` and ``previous`` are absolute addresses (or null), so a client
follows links instead of building them. Each page costs two queries (count and
slice) whatever the data size. A page past the end, or a size over the
maximum, is a 400 naming the parameter rather than a silently empty page.
"""

from math import ceil
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.conf import settings as ninja_settings
from ninja.errors import ValidationError
from ninja.pagination import PaginationBase

MAX_PAGE_SIZE = 200


class PageNumberPagination(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, description="Which page, counting from 1.")
        page_size: int = Field(
            ninja_settings.PAGINATION_PER_PAGE,
            ge=1,
            le=MAX_PAGE_SIZE,
            description=f"Rows per page, at most {MAX_PAGE_SIZE}.",
        )

    class Output(Schema):
        count: int = Field(description="Rows on every page together.")
        page: int
        page_size: int
        next: str | None = Field(description="Address of the next page, or null on the last.")
        previous: str | None = Field(
            description="Address of the previous page, or null on the first."
        )
        results: list[Any]

    items_attribute = "results"

    def paginate_queryset(
        self, queryset: Any, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        page, size = pagination.page, pagination.page_size
        count = queryset.count()
        last_page = max(1, ceil(count / size))
        if page > last_page:
            raise ValidationError(
                [
                    {
                        "loc": ("query", "page"),
                        "msg": f"There is no page {page}: the last page is {last_page}.",
                        "type": "page_out_of_range",
                    }
                ]
            )
        offset = (page - 1) * size
        return {
            "count": count,
            "page": page,
            "page_size": size,
            "next": _page_url(request, page + 1) if page < last_page else None,
            "previous": _page_url(request, page - 1) if page > 1 else None,
            "results": queryset[offset : offset + size],
        }


def _page_url(request: HttpRequest, page: int) -> str:
    """This request's address with ``page`` changed, other parameters kept."""
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
