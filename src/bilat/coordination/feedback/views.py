"""The feedback survey: editors set questions, send the invitations and a reminder and read
the results; an attendee answers through the signed link of their e-mail (no account)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from bilat.coordination.events.models import Event
from bilat.coordination.feedback import operations
from bilat.coordination.feedback.forms import AnswerForm, QuestionForm
from bilat.coordination.feedback.results import results
from bilat.coordination.filtering import known
from bilat.coordination.reporting import count
from bilat.coordination.roles import editor_required
from bilat.errors import CoordinationError


@editor_required
def survey(request: HttpRequest, slug: str) -> HttpResponse:
    """The survey of an event: its questions, sending, reminding, closing, results (once
    closed)."""
    known(request)
    event = get_object_or_404(Event, slug=slug)
    found = operations.survey_of(event)
    adding = QuestionForm(request.POST if "add" in request.POST else None)
    if request.method == "POST":
        try:
            if "add" in request.POST:
                if adding.is_valid():
                    operations.add_question(request.user, found, **adding.cleaned_data)
                    messages.success(request, "The question is added.")
                    return redirect("survey", slug=slug)
            elif "remove" in request.POST:
                question = get_object_or_404(found.questions, pk=request.POST["remove"])
                operations.remove_question(request.user, question)
                return redirect("survey", slug=slug)
            elif "send" in request.POST:
                n = operations.send(request.user, found)
                messages.success(request, f"The survey is on its way to {count(n, 'attendee')}.")
                return redirect("survey", slug=slug)
            elif "remind" in request.POST:
                n = operations.remind(request.user, found)
                messages.success(request, f"A reminder is on its way to {count(n, 'attendee')}.")
                return redirect("survey", slug=slug)
            elif "close" in request.POST:
                _confirmed(request)
                operations.close(request.user, found)
                messages.success(request, "The survey is closed: its results are shown below.")
                return redirect("survey", slug=slug)
        except CoordinationError as error:
            messages.error(request, str(error))
            if "add" not in request.POST:
                return redirect("survey", slug=slug)
            adding.add_error(error.field if error.field in adding.fields else None, str(error))
    context = {
        "event": event,
        "survey": found,
        "questions": found.questions.all(),
        "adding": adding,
        "results": results(found),
        "closed": found.closed_at(),
    }
    return render(request, "feedback/survey.html", context)


def _confirmed(request: HttpRequest) -> None:
    """Closing is final: only with its box ticked (the browser asks for it; without the
    browser's check, this one)."""
    if request.POST.get("confirm") != "yes":
        raise CoordinationError(
            "The survey is still open: tick the box that says closing is final, then close it."
        )


@never_cache
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """An attendee's answers, once, through their own signed link."""
    known(request)
    try:
        invitation = operations.read_link(token)
    except CoordinationError as error:
        return render(request, "feedback/answer.html", {"error": str(error)}, status=400)
    questions = list(invitation.survey.questions.all())
    form = AnswerForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            operations.answer(invitation, form.cleaned_data)
        except CoordinationError as error:
            return render(request, "feedback/answer.html", {"error": str(error)}, status=400)
        return render(request, "feedback/answer.html", {"thanks": invitation.survey.event})
    context = {"event": invitation.survey.event, "form": form}
    return render(request, "feedback/answer.html", context)
