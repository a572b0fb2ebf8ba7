"""The editors' meeting schedule of an event, and nothing public: a participant sees their
own meetings on /me/ (`templatetags.meetings`)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from bilat.coordination.events.models import Event
from bilat.coordination.filtering import known
from bilat.coordination.meetings import operations
from bilat.coordination.meetings.forms import MeetingForm, PlanForm, slot_choices
from bilat.coordination.meetings.models import Plan
from bilat.coordination.meetings.proposals import candidates
from bilat.coordination.reporting import count
from bilat.coordination.roles import editor_required
from bilat.errors import CoordinationError


@editor_required
def schedule(request: HttpRequest, slug: str) -> HttpResponse:
    """The plan, the proposals and the schedule; propose, adjust, add, publish."""
    known(request)
    event = get_object_or_404(Event, slug=slug)
    plan = operations.plan_of(event)
    eu, us = candidates(event)
    plan_form = PlanForm(request.POST if "plan" in request.POST else None, instance=plan)
    adding = MeetingForm(request.POST if "add" in request.POST else None, plan=plan, eu=eu, us=us)
    if request.method == "POST":
        try:
            done = _act(request, plan, plan_form, adding)
        except CoordinationError as error:
            messages.error(request, str(error))
            done = "add" not in request.POST
        if done:
            return redirect("meetings", slug=slug)
    meetings = plan.meetings.select_related("eu__organisation", "us__organisation")
    context = {
        "event": event,
        "plan": plan,
        "plan_form": plan_form,
        "adding": adding,
        "eu": eu,
        "us": us,
        "meetings": meetings,
        "slots": slot_choices(plan),
    }
    return render(request, "meetings/schedule.html", context)


def _act(request: HttpRequest, plan: Plan, plan_form: PlanForm, adding: MeetingForm) -> bool:
    """Do what the form posted asks; True when done (redirect), False to show its errors."""
    if "plan" in request.POST:
        if not plan_form.is_valid():
            return False
        plan_form.save()
        messages.success(request, "The plan is saved.")
    elif "propose" in request.POST:
        n = operations.propose(request.user, plan)
        messages.success(request, f"The schedule holds {count(n, 'meeting')}.")
    elif "add" in request.POST:
        if not adding.is_valid():
            return False
        data = adding.cleaned_data
        operations.add(
            request.user, plan, eu=data["eu"], us=data["us"], slot=data["slot"], table=data["table"]
        )
        messages.success(request, "The meeting is added.")
    elif "save" in request.POST:
        _save(request, plan)
    elif "publish" in request.POST:
        n = operations.publish(request.user, plan)
        messages.success(request, f"The schedule is published: {n} people were sent theirs.")
    return True


def _save(request: HttpRequest, plan: Plan) -> None:
    """Each meeting's slot and table as the schedule's form gives them; ticked ones removed."""
    changed = 0
    for meeting in list(plan.meetings.select_related("eu", "us")):
        if request.POST.get(f"remove-{meeting.pk}"):
            operations.remove(request.user, meeting)
            changed += 1
            continue
        slot, table = (
            request.POST.get(f"slot-{meeting.pk}"),
            request.POST.get(f"table-{meeting.pk}"),
        )
        if slot is None or table is None or not slot.isdigit():
            continue
        changed += operations.move(request.user, meeting, slot=int(slot), table=table)
    messages.success(request, f"The schedule is saved ({changed} changed).")
