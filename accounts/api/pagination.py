"""The API's two ways through a long list.

Lists of things (accounts, subscriptions, opportunities, cards...) come in numbered pages
with an exact `count`. History lists (usage, activities, NPS answers, orders, loyalty
scores: millions of rows, one more every day) come by cursor: no count, and `next` is the
link to the rows after the page's last one. Counting them cost more than the page itself
(all usage at 100,000 accounts: 290 ms of the 300), and an OFFSET reads every row it skips,
where a cursor starts from an index at any depth; rows added while a client pages through
are neither skipped nor repeated.
"""

import base64
import binascii
import json

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, UniqueConstraint
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import replace_query_param

MAX_PAGE_SIZE = 500  # a night's sync, not a dump


class BoundedPageSize:
    """Pages of 50 by default; a client may ask for up to 500 rows, and is told when it asks
    for more or for nonsense instead of getting another page size than it asked for."""

    page_size = api_settings.PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isdigit() and 1 <= int(raw) <= self.max_page_size):
            raise exceptions.ValidationError(
                {self.page_size_query_param: _("Give a whole number from 1 to 500.")}
            )
        return int(raw)

    def page_size_parameter(self) -> dict:
        return {
            "name": self.page_size_query_param,
            "required": False,
            "in": "query",
            "description": str(pagination.PageNumberPagination.page_size_query_description),
            "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
        }


class PageNumberPagination(BoundedPageSize, pagination.PageNumberPagination):
    """Numbered pages with the list's exact count."""

    def get_schema_operation_parameters(self, view):
        """The page and page size parameters, with the bounds the API enforces."""
        return [
            {**parameter, "schema": {**parameter["schema"], "minimum": 1}}
            if parameter["name"] == self.page_query_param
            else self.page_size_parameter()
            for parameter in super().get_schema_operation_parameters(view)
        ]


class CursorPagination(BoundedPageSize, pagination.BasePagination):
    """Pages that follow the list's order from the last row seen (keyset pagination).

    The cursor holds the order and the ordering values of the page's last row; the next page
    is the rows after it in that order (primary key last, so that ties are ordered too),
    which the list's index reads directly. A cursor that does not decode, or one made for
    another order, answers 404 like a page number out of range.
    """

    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        if "page" in request.query_params:
            # A client written for numbered pages would ask for page 2, 3... until a 404 and,
            # given the first page each time, never stop.
            raise exceptions.ValidationError(
                {"page": _("This list pages by cursor: follow each page's next link.")}
            )
        size = self.get_page_size(request)
        terms = ordering_terms(queryset)
        after = self.decode_cursor(request, queryset.model, terms)
        if after is not None:
            queryset = queryset.filter(rows_after(terms, after))
        rows = list(queryset.order_by(*terms)[: size + 1])
        page = rows[:size]
        self.next_values = row_values(page[-1], terms) if len(rows) > size else None
        self.terms = terms
        return page

    def get_next_link(self):
        if self.next_values is None:
            return None
        cursor = json.dumps({"order": self.terms, "after": self.next_values}, cls=DjangoJSONEncoder)
        token = base64.urlsafe_b64encode(cursor.encode()).decode().rstrip("=")
        return replace_query_param(
            self.request.build_absolute_uri(), self.cursor_query_param, token
        )

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "results": data})

    def decode_cursor(self, request, model, terms: list[str]) -> list | None:
        token = request.query_params.get(self.cursor_query_param)
        if token is None:
            return None
        try:
            cursor = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            if cursor["order"] != terms or len(cursor["after"]) != len(terms):
                raise ValueError("a cursor of another order")
            return [
                term_field(model, term).to_python(value)
                for term, value in zip(terms, cursor["after"], strict=True)
            ]
        except (binascii.Error, ValueError, TypeError, KeyError, ValidationError):
            raise exceptions.NotFound(_("Invalid cursor.")) from None

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": str(_("The next page; null on the last one.")),
                    "example": "http://api.example.org/activities/?cursor=eyJvcmRlciI6IFsiaWQiXX0",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": str(
                    _("Where the page starts: take it from the previous page's next link.")
                ),
                "schema": {"type": "string"},
            },
            self.page_size_parameter(),
        ]


def term_field(model, term: str):
    name = term.lstrip("-")
    return model._meta.pk if name == "pk" else model._meta.get_field(name)


def ordering_terms(queryset) -> list[str]:
    """The queryset's order as field names ("-date"), ending with a unique set of fields."""
    model = queryset.model
    terms = list(queryset.query.order_by or model._meta.ordering)
    if not all(isinstance(term, str) and "__" not in term for term in terms):
        raise ImproperlyConfigured(f"{model.__name__}: cursor pages need an order of own fields")
    names = {term_field(model, term).attname for term in terms}
    unique_sets = [{model._meta.pk.attname}] + [
        {model._meta.get_field(name).attname for name in constraint.fields}
        for constraint in model._meta.constraints
        if isinstance(constraint, UniqueConstraint) and constraint.condition is None
    ]
    if not any(unique <= names for unique in unique_sets):
        terms.append("-pk" if terms and terms[-1].startswith("-") else "pk")
    return terms


def row_values(row, terms: list[str]) -> list:
    return [getattr(row, term_field(type(row), term).attname) for term in terms]


def rows_after(terms: list[str], values: list) -> Q:
    """The rows after `values` in the order of `terms`, lexicographically: (a, b) after (x, y)
    is a > x, or a = x and b > y ("<" for a descending term). The bound on the first term
    alone is implied, and stated so that PostgreSQL starts its index scan there."""
    after = Q()
    equal = Q()
    for term, value in zip(terms, values, strict=True):
        name = term.lstrip("-")
        beyond = "lt" if term.startswith("-") else "gt"
        after |= equal & Q(**{f"{name}__{beyond}": value})
        equal &= Q(**{name: value})
    first = terms[0].lstrip("-")
    start = "lte" if terms[0].startswith("-") else "gte"
    return Q(**{f"{first}__{start}": values[0]}) & after
