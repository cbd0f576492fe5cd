"""The import pages: upload and templates, a job's result (with live progress), past imports."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from . import samples, selectors, services
from .forms import ImportUploadForm
from .specs import import_kinds_for

# How many past imports the import page lists.
RECENT_JOBS = 20


@login_required
def index(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        job = services.import_job_create(
            user=request.user, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
        )
        return redirect("imports:detail", pk=job.pk)
    return render(
        request,
        "accounts/imports/index.html",
        {
            "form": form,
            "specs": selectors.import_specs_for(user=request.user),
            "jobs": selectors.import_jobs_of(user=request.user)[:RECENT_JOBS],
            "threshold": services.BACKGROUND_ROW_THRESHOLD,
        },
    )


@require_GET
@login_required
def detail(request, pk: int):
    job = get_object_or_404(selectors.import_jobs_of(user=request.user).defer(None), pk=pk)
    return render(
        request,
        "accounts/imports/detail.html",
        {"job": job, "errors": selectors.import_job_errors(job=job)},
    )


@require_GET
@login_required
def progress(request, pk: int):
    """The progress bar, polled by htmx; once the job is done, htmx loads the result page."""
    job = get_object_or_404(selectors.import_jobs_of(user=request.user), pk=pk)
    if job.is_finished:
        response = HttpResponse()
        response["HX-Redirect"] = reverse("imports:detail", args=[job.pk])
        return response
    return render(request, "accounts/imports/_progress.html", {"job": job})


@require_GET
@login_required
def template(request, kind: str, extension: str):
    if kind not in import_kinds_for(request.user):
        raise Http404
    if extension == "csv":
        body, content_type = samples.template_csv(kind), "text/csv; charset=utf-8"
    else:
        body = samples.template_xlsx(kind)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.{extension}"'
    return response
