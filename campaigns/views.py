"""Campaign pages: list, plan form, segment builder with live preview, freeze, assignment,
targets, export, results, and the rep's "my targets".

Managers see their teams' campaigns, administrators all; any other campaign or target
answers 404 like a missing one. Reps reach only the targets assigned to them.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.exports import table_download
from crm.users.decorators import role_required
from crm.users.models import Role, User

from . import exports, selectors, services
from .forms import AssignForm, CampaignForm, ReassignForm, SegmentForm, TargetMoveForm
from .models import Campaign, TargetStatus
from .segments import SegmentCriteria

TARGETS_PER_PAGE = 50


def _add_service_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _reps(campaign: Campaign):
    return User.objects.filter(pk__in=[r.pk for r in services.campaign_reps(campaign=campaign)])


@role_required(Role.MANAGER)
@require_GET
def campaign_list(request):
    return render(
        request, "campaigns/list.html", {"campaigns": selectors.campaign_list(user=request.user)}
    )


def _campaign_form(request, *, campaign: Campaign | None):
    form = CampaignForm(request.POST or None, instance=campaign, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "teams"}
        try:
            if campaign is None:
                campaign = services.campaign_create(
                    by=request.user, teams=list(form.cleaned_data["teams"]), **data
                )
            else:
                campaign = services.campaign_update(
                    campaign=campaign,
                    by=request.user,
                    teams=list(form.cleaned_data["teams"]),
                    **data,
                )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("The campaign was saved."))
            return redirect(campaign)
    return render(request, "campaigns/form.html", {"form": form, "campaign": campaign})


@role_required(Role.MANAGER)
def campaign_create(request):
    return _campaign_form(request, campaign=None)


@role_required(Role.MANAGER)
def campaign_update(request, pk: int):
    return _campaign_form(request, campaign=selectors.campaign_get(user=request.user, pk=pk))


@role_required(Role.MANAGER)
@require_GET
def campaign_detail(request, pk: int):
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    context = {"campaign": campaign}
    if campaign.is_frozen:
        targets = selectors.campaign_targets(user=request.user, campaign=campaign)
        page = Paginator(targets, TARGETS_PER_PAGE).get_page(request.GET.get("page"))
        reps = _reps(campaign)
        context.update(
            page=page,
            unassigned=targets.filter(status=TargetStatus.UNASSIGNED).count(),
            assign_form=AssignForm(reps=reps),
            reps=list(reps),
        )
    else:
        form = SegmentForm(campaign=campaign)
        context.update(
            segment_form=form,
            preview=selectors.segment_preview(
                user=request.user,
                campaign=campaign,
                criteria=SegmentCriteria(),
                today=timezone.localdate(),
            ),
        )
    return render(request, "campaigns/detail.html", context)


@role_required(Role.MANAGER)
@require_GET
def segment_preview(request, pk: int):
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    form = SegmentForm(request.GET, campaign=campaign)
    preview = None
    if form.is_valid():
        preview = selectors.segment_preview(
            user=request.user,
            campaign=campaign,
            criteria=form.criteria(),
            today=timezone.localdate(),
        )
    return render(
        request, "campaigns/_segment_preview.html", {"preview": preview, "segment_form": form}
    )


@role_required(Role.MANAGER)
@require_POST
def campaign_freeze(request, pk: int):
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    form = SegmentForm(request.POST, campaign=campaign)
    if form.is_valid():
        try:
            count = services.campaign_freeze(
                campaign=campaign,
                by=request.user,
                criteria=form.criteria(),
                today=timezone.localdate(),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("The target list was frozen: %(count)s accounts.") % {"count": count}
            )
    else:
        messages.error(request, _("Check the segment filters."))
    return redirect(campaign)


@role_required(Role.MANAGER)
@require_POST
def campaign_assign(request, pk: int):
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    form = AssignForm(request.POST, reps=_reps(campaign))
    if form.is_valid():
        try:
            count = services.campaign_assign(
                campaign=campaign,
                by=request.user,
                strategy=form.cleaned_data["strategy"],
                reps=list(form.cleaned_data["reps"]),
                max_per_rep=form.cleaned_data.get("max_per_rep"),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(count)s targets were assigned.") % {"count": count})
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(campaign)


@role_required(Role.MANAGER)
@require_POST
def campaign_close(request, pk: int):
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    services.campaign_close(campaign=campaign, by=request.user)
    messages.success(request, _("The campaign was closed."))
    return redirect(campaign)


@role_required(Role.MANAGER)
@require_POST
def target_reassign(request, pk: int):
    target = selectors.target_get(user=request.user, pk=pk)
    form = ReassignForm(request.POST, reps=_reps(target.campaign))
    if form.is_valid():
        try:
            services.campaign_target_reassign(
                target=target, rep=form.cleaned_data["rep"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The target was reassigned."))
    else:
        messages.error(request, _("Choose a rep of the campaign's teams."))
    return redirect(target.campaign)


@login_required
@require_POST
def target_move(request, pk: int):
    target = selectors.target_get(user=request.user, pk=pk)
    form = TargetMoveForm(request.POST)
    if form.is_valid():
        try:
            services.campaign_target_move(target=target, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The target was updated."))
    else:
        messages.error(request, _("Choose a next step."))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "campaigns:my_targets"
    return redirect(next_url)


@role_required(Role.MANAGER)
@require_GET
def campaign_export(request, pk: int, fmt: str):
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    targets = selectors.campaign_targets(user=request.user, campaign=campaign)
    return table_download(
        columns=exports.COLUMNS,
        rows=targets,
        fmt=fmt,
        filename=f"campaign-{campaign.pk}-{timezone.localdate():%Y%m%d}",
        title=campaign.name,
    )


@role_required(Role.MANAGER)
@require_GET
def campaign_results(request, pk: int):
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    return render(
        request,
        "campaigns/results.html",
        {"campaign": campaign, "results": selectors.campaign_results(campaign=campaign)},
    )


@login_required
@require_GET
def my_targets(request):
    status = request.GET.get("status", "open")
    targets = selectors.my_targets(user=request.user, status=status)
    return render(
        request,
        "campaigns/my_targets.html",
        {
            "targets": targets,
            "status": status,
            "statuses": TargetStatus.choices,
            "move_form": TargetMoveForm(),
        },
    )
