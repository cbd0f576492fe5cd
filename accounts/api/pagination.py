from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """Pages of 50 by default; a client may ask for up to 500 rows (a night's sync, not a dump)."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not (raw.isdigit() and 1 <= int(raw) <= self.max_page_size):
            raise exceptions.ValidationError(
                {self.page_size_query_param: _("Give a whole number from 1 to 500.")}
            )
        return super().get_page_size(request)

    def get_schema_operation_parameters(self, view):
        """The page and page size parameters, with the bounds the API enforces."""
        bounds = {
            self.page_query_param: {"minimum": 1},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"].update(bounds[parameter["name"]])
        return parameters
