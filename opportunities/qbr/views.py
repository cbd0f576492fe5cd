"""QBR pages. Thin: parse input, call a selector or service, render.

Every QBR is fetched from the visible queryset, so a forbidden one answers 404 like a
missing one; anyone who may see the account may prepare and record its QBR.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..models import QBRGoal
from ..selectors import accounts_visible
from ..views import submit
from . import charts, exports, selectors, services
from .agenda import qbr_agenda
from .forms import ActionItemForm, AgendaForm, GoalForm, HoldForm, QBRForm

LIST_LIMIT = 200
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def _meeting(request, pk: int):
    return get_object_or_404(selectors.qbr_detail_queryset(user=request.user), pk=pk)


def _language(request) -> str:
    language = request.GET.get("lang") or translation.get_language()
    return language if language in exports.LANGUAGES else "ja"


def _detail(request, meeting, **forms):
    agenda = qbr_agenda(meeting=meeting, today=timezone.localdate())
    context = {
        "meeting": meeting,
        "agenda": agenda,
        "goal_form": GoalForm(prefix="goal"),
        "action_form": ActionItemForm(user=request.user, prefix="action"),
        **forms,
    }
    return render(request, "opportunities/qbr/detail.html", context)


@login_required
def qbr_list(request):
    meetings = selectors.qbrs_visible(user=request.user).order_by("-scheduled_on", "pk")
    return render(request, "opportunities/qbr/list.html", {"meetings": meetings[:LIST_LIMIT]})


@login_required
def qbr_create(request):
    params = request.POST if request.method == "POST" else request.GET
    account = None
    if params.get("account"):
        account = get_object_or_404(accounts_visible(user=request.user), pk=params["account"])
    form = QBRForm(request.POST or None, user=request.user, account=account)
    if request.method == "POST":
        meeting = submit(
            form,
            lambda: services.qbr_schedule(
                account=form.cleaned_data["account"],
                scheduled_on=form.cleaned_data["scheduled_on"],
                created_by=request.user,
                our_attendees=form.cleaned_data["our_attendees"],
                customer_attendees=form.cleaned_data["customer_attendees"],
            ),
        )
        if meeting is not None:
            messages.success(request, _("QBR scheduled."))
            return redirect(meeting)
    return render(request, "opportunities/qbr/form.html", {"form": form, "account": account})


@login_required
def qbr_edit(request, pk: int):
    meeting = _meeting(request, pk)
    form = QBRForm(request.POST or None, user=request.user, instance=meeting)
    if request.method == "POST":
        saved = submit(
            form,
            lambda: services.qbr_update(
                meeting=meeting,
                scheduled_on=form.cleaned_data["scheduled_on"],
                our_attendees=form.cleaned_data["our_attendees"],
                customer_attendees=form.cleaned_data["customer_attendees"],
            ),
        )
        if saved is not None:
            messages.success(request, _("QBR updated."))
            return redirect(meeting)
    return render(
        request,
        "opportunities/qbr/form.html",
        {"form": form, "account": meeting.account, "meeting": meeting},
    )


@login_required
def qbr_detail(request, pk: int):
    return _detail(request, _meeting(request, pk))


@login_required
@require_POST
def qbr_prepare(request, pk: int):
    meeting = _meeting(request, pk)
    try:
        services.qbr_prepare_agenda(meeting=meeting, today=timezone.localdate())
        messages.success(request, _("Agenda prepared from the data. Review and edit it."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("opportunities:qbr:agenda", pk=meeting.pk)


@login_required
def qbr_agenda_edit(request, pk: int):
    meeting = _meeting(request, pk)
    agenda = qbr_agenda(meeting=meeting, today=timezone.localdate())
    form = AgendaForm(request.POST or None, meeting=meeting, goals=agenda.last_goals)
    if request.method == "POST":
        saved = submit(
            form,
            lambda: services.qbr_agenda_update(
                meeting=meeting, goal_outcomes=form.goal_outcomes(), **form.texts()
            ),
        )
        if saved is not None:
            messages.success(request, _("Agenda saved."))
            return redirect(meeting)
    return render(
        request,
        "opportunities/qbr/agenda_form.html",
        {"form": form, "meeting": meeting, "agenda": agenda},
    )


@login_required
@require_POST
def qbr_goal_add(request, pk: int):
    meeting = _meeting(request, pk)
    form = GoalForm(request.POST, prefix="goal")
    goal = submit(
        form,
        lambda: services.qbr_goal_add(
            meeting=meeting, title=form.cleaned_data["title"], motives=form.cleaned_data["motives"]
        ),
    )
    if goal is None:
        return _detail(request, meeting, goal_form=form)
    messages.success(request, _("Goal added."))
    return redirect(f"{meeting.get_absolute_url()}#goals")


@login_required
@require_POST
def qbr_goal_remove(request, pk: int, goal_pk: int):
    meeting = _meeting(request, pk)
    services.qbr_goal_remove(goal=get_object_or_404(QBRGoal, meeting=meeting, pk=goal_pk))
    return redirect(f"{meeting.get_absolute_url()}#goals")


@login_required
@require_POST
def qbr_action_add(request, pk: int):
    meeting = _meeting(request, pk)
    form = ActionItemForm(request.POST, user=request.user, prefix="action")
    item = submit(
        form,
        lambda: services.qbr_action_item_add(meeting=meeting, by=request.user, **form.cleaned_data),
    )
    if item is None:
        return _detail(request, meeting, action_form=form)
    messages.success(
        request,
        _("Action item added to %(name)s's follow-ups.")
        % {"name": item.follow_up.owner.get_full_name()},
    )
    return redirect(f"{meeting.get_absolute_url()}#actions")


@login_required
def qbr_hold(request, pk: int):
    meeting = _meeting(request, pk)
    form = HoldForm(request.POST or None, instance=meeting)
    if request.method == "POST":
        held = submit(
            form,
            lambda: services.qbr_hold(
                meeting=meeting, by=request.user, today=timezone.localdate(), **form.cleaned_data
            ),
        )
        if held is not None:
            messages.success(request, _("Meeting recorded."))
            return redirect(meeting)
    return render(request, "opportunities/qbr/hold_form.html", {"form": form, "meeting": meeting})


@login_required
def qbr_deck(request, pk: int):
    meeting = _meeting(request, pk)
    language = _language(request)
    with translation.override(language):
        agenda = qbr_agenda(meeting=meeting, today=timezone.localdate())
        content = exports.qbr_deck(agenda, language=language)
    name = f"qbr-{meeting.account_id}-{meeting.year}q{meeting.quarter}-{language}.pptx"
    response = HttpResponse(content, content_type=PPTX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def qbr_print(request, pk: int):
    meeting = _meeting(request, pk)
    language = _language(request)
    with translation.override(language):
        agenda = qbr_agenda(meeting=meeting, today=timezone.localdate())
        return render(
            request,
            "opportunities/qbr/print.html",
            {"meeting": meeting, "agenda": agenda, "language": language},
        )


@login_required
def qbr_chart(request, pk: int, name: str):
    if name not in charts.CHARTS:
        raise Http404
    meeting = _meeting(request, pk)
    with translation.override(_language(request)):
        agenda = qbr_agenda(meeting=meeting, today=timezone.localdate())
        png = charts.CHARTS[name](agenda.kpis)
    return HttpResponse(png, content_type="image/png")
