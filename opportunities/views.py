"""Pipeline, hearing and follow-up pages. Thin: parse input, call a selector or service, render.

Every object is fetched from a queryset already limited to what the user may see, so a
forbidden object answers 404 exactly like a missing one.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .filters import BoardFilter, OpportunityFilter
from .forms import (
    FollowUpForm,
    HearingForm,
    OpportunityForm,
    StageMoveForm,
    WatchConditionForm,
)
from .models import Stage

LIST_PAGE_SIZE = 50


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def submit(form, write: Callable[[], Any]) -> Any:
    """Run `write` for a valid form; show a service's ValidationError on the form instead."""
    if not form.is_valid():
        return None
    try:
        return write()
    except ValidationError as error:
        form.add_error(None, error)
        return None


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default


# --- pipeline -----------------------------------------------------------------------------


def pipeline_filter(request, filter_class: type[OpportunityFilter]) -> OpportunityFilter:
    """The visible deals, filtered by the query string (owner, team, type, stage)."""
    return filter_class(
        request.GET, queryset=selectors.opportunities_visible(user=request.user), request=request
    )


@login_required
def opportunity_list(request):
    filterset = pipeline_filter(request, OpportunityFilter)
    page = Paginator(filterset.qs.order_by("expected_close", "pk"), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "opportunities/list.html", {"filter": filterset, "page": page})


def board_context(request) -> dict:
    filterset = pipeline_filter(request, BoardFilter)
    columns = selectors.opportunity_board(opportunities=filterset.qs, today=timezone.localdate())
    return {
        "filter": filterset,
        "columns": columns,
        "open_stages": Stage.open_values(),
        "move_choices": [(v, label) for v, label in Stage.choices],
        "querystring": request.GET.urlencode(),
    }


@login_required
def opportunity_board(request):
    template = "opportunities/_board.html" if is_htmx(request) else "opportunities/board.html"
    return render(request, template, board_context(request))


@login_required
@require_POST
def opportunity_board_move(request, pk: int):
    """Move a card from the board; answers the refreshed board for htmx to swap in."""
    opportunity = get_object_or_404(selectors.opportunities_visible(user=request.user), pk=pk)
    form = StageMoveForm(request.POST)
    if form.is_valid() and form.cleaned_data["stage"] == Stage.LOST:
        # A lost deal needs its reason: the detail page asks for it.
        target = f"{opportunity.get_absolute_url()}?stage={Stage.LOST}#stage"
        if is_htmx(request):
            return HttpResponse(headers={"HX-Redirect": target})
        return redirect(target)
    moved = submit(
        form,
        lambda: services.opportunity_move(
            opportunity=opportunity, stage=form.cleaned_data["stage"], by=request.user
        ),
    )
    if moved is None:
        messages.error(request, _("The opportunity could not be moved."))
    if not is_htmx(request):
        return redirect(f"{reverse('opportunities:board')}?{request.GET.urlencode()}")
    return render(request, "opportunities/_board.html", board_context(request))


@login_required
def opportunity_forecast(request):
    filterset = pipeline_filter(request, BoardFilter)
    forecast = selectors.pipeline_forecast(opportunities=filterset.qs, start=timezone.localdate())
    return render(
        request,
        "opportunities/forecast.html",
        {"filter": filterset, "forecast": forecast, "chart": forecast.chart_data()},
    )


@login_required
def opportunity_create(request):
    initial = {}
    if "account" in request.GET:
        account = get_object_or_404(
            selectors.accounts_visible(user=request.user), pk=request.GET["account"]
        )
        initial = {"account": account.pk}
    initial.update(owner=request.user.pk, expected_close=timezone.localdate())
    form = OpportunityForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST":
        opportunity = submit(
            form,
            lambda: services.opportunity_create(created_by=request.user, **form.cleaned_data),
        )
        if opportunity is not None:
            messages.success(request, _("Opportunity created."))
            return redirect(opportunity)
    return render(request, "opportunities/form.html", {"form": form})


def detail_context(request, opportunity, **extra) -> dict:
    return {
        "opportunity": opportunity,
        "stage_changes": opportunity.stage_changes.select_related("changed_by"),
        "hearings": opportunity.hearings.select_related("conducted_by", "version__template"),
        "follow_ups": opportunity.follow_ups.select_related("owner", "account"),
        "stage_form": StageMoveForm(
            initial={
                "stage": request.GET.get("stage", opportunity.stage),
                "loss_reason": opportunity.loss_reason,
            }
        ),
        **extra,
    }


def opportunity_detail_queryset(request):
    return selectors.opportunities_visible(user=request.user).select_related(
        "subscription__product", "from_product", "to_product", "hearing"
    )


@login_required
def opportunity_detail(request, pk: int):
    opportunity = get_object_or_404(opportunity_detail_queryset(request), pk=pk)
    return render(request, "opportunities/detail.html", detail_context(request, opportunity))


@login_required
@require_POST
def opportunity_stage(request, pk: int):
    """The detail page's stage form: any stage, with a probability and a loss reason."""
    opportunity = get_object_or_404(opportunity_detail_queryset(request), pk=pk)
    form = StageMoveForm(request.POST)
    moved = submit(
        form,
        lambda: services.opportunity_move(
            opportunity=opportunity,
            stage=form.cleaned_data["stage"],
            probability=form.cleaned_data["probability"],
            loss_reason=form.cleaned_data["loss_reason"],
            by=request.user,
        ),
    )
    if moved is not None:
        messages.success(request, _("Stage updated."))
        return redirect(moved)
    context = detail_context(request, opportunity, stage_form=form)
    return render(request, "opportunities/detail.html", context, status=422)


@login_required
def opportunity_edit(request, pk: int):
    opportunity = get_object_or_404(selectors.opportunities_visible(user=request.user), pk=pk)
    form = OpportunityForm(request.POST or None, instance=opportunity, user=request.user)
    if request.method == "POST":
        # ModelForm validation writes the cleaned values onto the instance; the service
        # saves them only if every rule holds.
        saved = submit(
            form,
            lambda: services.opportunity_update(
                opportunity=opportunity, by=request.user, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, _("Opportunity saved."))
            return redirect(saved)
    return render(request, "opportunities/form.html", {"form": form, "opportunity": opportunity})


@login_required
def opportunity_apply(request, pk: int):
    """Confirm, then make a won deal's plan change real on the subscription."""
    opportunity = get_object_or_404(opportunity_detail_queryset(request), pk=pk)
    if request.method == "POST":
        try:
            services.opportunity_apply_to_subscription(opportunity=opportunity, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The subscription was updated."))
        return redirect(opportunity)
    if not opportunity.can_apply_to_subscription:
        messages.error(
            request,
            _("Only a won upsell, cross-sell or down-sell not yet applied can change a plan."),
        )
        return redirect(opportunity)
    return render(request, "opportunities/apply.html", {"opportunity": opportunity})


# --- hearings -----------------------------------------------------------------------------


@login_required
def hearing_create(request):
    if not request.GET.get("account"):
        return render(
            request,
            "opportunities/hearing_pick_account.html",
            {"accounts": selectors.accounts_visible(user=request.user).order_by("name")},
        )
    account = get_object_or_404(
        selectors.accounts_visible(user=request.user), pk=request.GET["account"]
    )
    version = selectors.checklist_current_version()
    if version is None:
        messages.error(request, _("No hearing checklist is published yet: ask an administrator."))
        return redirect("opportunities:list")
    initial = {"opportunity": request.GET.get("opportunity")}
    form = HearingForm(
        request.POST or None, user=request.user, account=account, version=version, initial=initial
    )
    if request.method == "POST":
        hearing = submit(
            form,
            lambda: services.hearing_record(
                account=account,
                version=version,
                conducted_by=request.user,
                held_on=form.cleaned_data["held_on"],
                opportunity=form.cleaned_data["opportunity"],
                answers=form.answers(),
                motives=form.cleaned_data["motives"],
                hesitant=form.cleaned_data["hesitant"],
                notes=form.cleaned_data["notes"],
            ),
        )
        if hearing is not None:
            messages.success(
                request,
                _("Hearing recorded (%(percent)s%% answered).") % {"percent": hearing.completeness},
            )
            if hearing.hesitant:
                messages.info(
                    request,
                    _("Offers to this account are paused until %(date)s; a follow-up is set.")
                    % {"date": hearing.account.quiet_until},
                )
            return redirect(hearing)
    return render(
        request,
        "opportunities/hearing_form.html",
        {"form": form, "account": account, "version": version},
    )


def hearing_page(request, hearing, *, goal_form=None, status=200):
    return render(
        request,
        "opportunities/hearing_detail.html",
        {
            "hearing": hearing,
            "answers": selectors.hearing_with_answers(hearing=hearing),
            "goal_form": goal_form or WatchConditionForm(),
        },
        status=status,
    )


@login_required
def hearing_detail(request, pk: int):
    hearing = get_object_or_404(selectors.hearing_detail_queryset(user=request.user), pk=pk)
    return hearing_page(request, hearing)


@login_required
@require_POST
def hearing_goal_create(request, pk: int):
    hearing = get_object_or_404(selectors.hearing_detail_queryset(user=request.user), pk=pk)
    form = WatchConditionForm(request.POST)
    condition = submit(
        form,
        lambda: services.watch_condition_create(
            hearing=hearing, created_by=request.user, **form.cleaned_data
        ),
    )
    if condition is None:
        return hearing_page(request, hearing, goal_form=form, status=422)
    messages.success(request, _("Intermediate goal recorded; it is checked every night."))
    return redirect(hearing)


# --- follow-ups ---------------------------------------------------------------------------


@login_required
def follow_up_list(request):
    default_scope = "team" if request.user.is_admin or request.user.is_manager else "mine"
    scope = request.GET.get("scope", default_scope)
    lists = selectors.follow_up_lists(
        user=request.user, today=timezone.localdate(), mine=scope != "team"
    )
    return render(request, "opportunities/follow_ups.html", {"lists": lists, "scope": scope})


@login_required
def follow_up_create(request):
    params = request.POST if request.method == "POST" else request.GET
    account = None
    if params.get("account"):
        account = get_object_or_404(
            selectors.accounts_visible(user=request.user), pk=params["account"]
        )
    initial = {key: request.GET.get(key) for key in ("opportunity", "hearing")}
    form = FollowUpForm(request.POST or None, user=request.user, account=account, initial=initial)
    if request.method == "POST":
        follow_up = submit(
            form, lambda: services.follow_up_create(created_by=request.user, **form.cleaned_data)
        )
        if follow_up is not None:
            messages.success(
                request, _("Follow-up scheduled for %(date)s.") % {"date": follow_up.due_on}
            )
            return redirect(safe_next(request, reverse("opportunities:follow_ups")))
    return render(
        request,
        "opportunities/follow_up_form.html",
        {"form": form, "account": account, "next": safe_next(request, "")},
    )


@login_required
@require_POST
def follow_up_done(request, pk: int):
    follow_up = get_object_or_404(selectors.follow_ups_visible(user=request.user), pk=pk)
    services.follow_up_complete(follow_up=follow_up, by=request.user)
    if is_htmx(request):
        return render(request, "opportunities/_follow_up_row.html", {"follow_up": follow_up})
    messages.success(request, _("Follow-up done."))
    return redirect(safe_next(request, reverse("opportunities:follow_ups")))
