"""/api/v1/: each app's API, the OpenAPI schema and its browsable documentation.

The documentation pages need a login like the API itself (SPECTACULAR_SETTINGS).
"""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

# Swagger UI and Redoc style themselves with inline styles; they load only our own scripts
# (drf-spectacular-sidecar), and the init script comes as a file (the split view).
docs_csp = csp_update({"style-src": [UNSAFE_INLINE], "worker-src": ["blob:"]})

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("opportunities.api.urls")),
    path("", include("campaigns.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/", docs_csp(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"
    ),
    path("redoc/", docs_csp(SpectacularRedocView.as_view(url_name="api:schema")), name="redoc"),
]
