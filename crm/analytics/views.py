"""The report pages and their downloads. Every page reads through ReportScope (the
visibility rule) and the daily cache; a download is the table the page shows, as CSV or
Excel, for the same filters."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.exports import table_download

from .cache import report_cached
from .reports import REPORTS, REPORTS_BY_SLUG, Report
from .scope import ReportScope


def _report(slug: str) -> Report:
    try:
        return REPORTS_BY_SLUG[slug]
    except KeyError:
        raise Http404 from None


def _computed(request, report: Report):
    """The filter form, the chosen filters (the team apart: it is the scope), and the
    page's tables and figures."""
    form = report.form_class(request.GET or None, user=request.user)
    params = form.params()
    scope = ReportScope(user=request.user, team=params.pop("team", None))
    computed = {name: params[name] for name in report.computed}
    result = report_cached(
        report=report.slug,
        scope=scope,
        params=computed,
        today=form.today,
        compute=lambda: report.compute(scope=scope, today=form.today, **computed),
    )
    return form, scope, params, report.present(result, params)


@login_required
@require_GET
def report_index(request):
    return render(request, "analytics/index.html", {"reports": REPORTS})


@login_required
@require_GET
def report_page(request, slug: str):
    report = _report(slug)
    form, scope, params, page = _computed(request, report)
    return render(
        request,
        report.template,
        {
            "report": report,
            "form": form,
            "params": params,
            "team": scope.team,
            "today": form.today,
            "small_below": settings.ANALYTICS_SMALL_GROUP,
            "gross_margin": round(100 * settings.ANALYTICS_GROSS_MARGIN),
            "ltv_max_months": settings.ANALYTICS_LTV_MAX_MONTHS,
            "query": request.GET.urlencode(),
            **page,
        },
    )


@login_required
@require_GET
def report_export(request, slug: str, table: str, fmt: str):
    report = _report(slug)
    form, _scope, _params, page = _computed(request, report)
    found = next((t for t in page["tables"] if t.slug == table), None)
    if found is None:
        raise Http404
    return table_download(
        columns=found.export_columns(),
        rows=found.rows,
        fmt=fmt,
        filename=f"{report.slug}-{found.slug}-{form.today:%Y%m%d}",
        title=str(found.caption),
    )
