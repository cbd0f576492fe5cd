"""Every URL is in a permission matrix (tests/api/test_permission_matrix.py for the API,
tests/crm/test_page_matrix.py for pages and exports) or exempted here with its reason: a new
page, export or endpoint cannot escape the matrix."""

import re
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.api.test_permission_matrix import MATRIX as API_MATRIX
from tests.crm.test_page_matrix import MATRIX as PAGE_MATRIX
from tests.crm.test_page_matrix import entries

# URL names no matrix checks, and why.
EXEMPT = {
    "users:login": "the login page: open to everyone, it shows no data",
    "users:logout": "ends the caller's own session (a POST)",
    "users:language": "sets the caller's own language (a POST to Django's i18n view)",
    "admin:login": "the admin's login page",
    "admin:logout": "ends the caller's own session",
    "nps_moved": "a permanent redirect from the NPS page's old address to the report, which "
    "the page matrix checks",
    "admin:autocomplete": "the admin's select widgets' lookup: it needs a field to complete "
    "and sits behind the admin's staff check like every admin page",
}
# The admin's pages of one app or object (its id in the URL). Django's AdminSite.admin_view
# checks for staff on each, as on the admin's index, lists and add forms in the page matrix.
ADMIN_OBJECT_PAGES = re.compile(
    r"^admin:(app_list|view_on_site|\w+_\w+_(change|delete|history|simple_history))$"
)


def url_patterns(patterns=None, namespace="", prefix="") -> Iterator[tuple[str | None, str]]:
    """(name with its namespaces, route) of every URL pattern; the name is None if unnamed."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            yield from url_patterns(pattern.url_patterns, inner, route)
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}{pattern.name}" if pattern.name else None), route


def named_urls() -> set[str]:
    return {name for name, _route in url_patterns() if name}


def covered() -> set[str]:
    api = {entry.name for area in API_MATRIX.values() for entry in area}
    return api | {entry.name for area in PAGE_MATRIX for entry in entries(area)}


def exempted(names: set[str]) -> set[str]:
    return set(EXEMPT) | {name for name in names if ADMIN_OBJECT_PAGES.match(name)}


@pytest.mark.django_db
def test_every_named_url_is_in_a_matrix_or_exempted():
    names = named_urls()
    missing = names - covered() - exempted(names)
    assert sorted(missing) == [], "add these to a permission matrix, or exempt them with why"


@pytest.mark.django_db
def test_the_matrix_and_the_exemptions_name_real_urls_and_do_not_overlap():
    names = named_urls()
    assert sorted(set(EXEMPT) - names) == []
    assert sorted(covered() - names) == []
    assert sorted(covered() & exempted(names)) == []


def test_every_unnamed_url_is_the_admins():
    """A URL without a name could not be listed in a matrix: only the admin's own redirects
    (its catch-all and the old object URLs) have none."""
    unnamed = [route for name, route in url_patterns() if name is None]
    assert unnamed and [route for route in unnamed if not route.startswith("admin/")] == []
