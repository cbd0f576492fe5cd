"""The report pages and their downloads. Every page reads through ReportScope (the
visibility rule) and the daily cache; a download is the table the page shows, as CSV or
Excel, for the same filters."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.exports import table_download

from .reports import REPORTS, REPORTS_BY_SLUG, Report, report_computed


def _report(slug: str) -> Report:
    try:
        return REPORTS_BY_SLUG[slug]
    except KeyError:
        raise Http404 from None


@login_required
@require_GET
def report_index(request):
    return render(request, "analytics/index.html", {"reports": REPORTS})


@login_required
@require_GET
def report_page(request, slug: str):
    report = _report(slug)
    view = report_computed(report=report, user=request.user, data=request.GET or None)
    return render(
        request,
        report.template,
        {
            "report": report,
            "form": view.form,
            "params": view.params,
            "team": view.scope.team,
            "today": view.form.today,
            "small_below": settings.ANALYTICS_SMALL_GROUP,
            "gross_margin": round(100 * settings.ANALYTICS_GROSS_MARGIN),
            "ltv_max_months": settings.ANALYTICS_LTV_MAX_MONTHS,
            "query": request.GET.urlencode(),
            **view.page,
        },
    )


@login_required
@require_GET
def report_export(request, slug: str, table: str, fmt: str):
    report = _report(slug)
    view = report_computed(report=report, user=request.user, data=request.GET or None)
    found = next((t for t in view.page["tables"] if t.slug == table), None)
    if found is None:
        raise Http404
    return table_download(
        columns=found.export_columns(),
        rows=found.rows,
        fmt=fmt,
        filename=f"{report.slug}-{found.slug}-{view.form.today:%Y%m%d}",
        title=str(found.caption),
    )
