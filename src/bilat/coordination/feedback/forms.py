"""Forms of the survey: a question an editor adds, and the answers of an attendee."""

from __future__ import annotations

from typing import Any

from django import forms

from bilat.coordination.feedback.models import RATINGS, Question


class QuestionForm(forms.Form):
    text = forms.CharField(max_length=300, label="Question")
    type = forms.ChoiceField(choices=Question.Type.choices)
    options = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="One of a list: one option per line",
    )
    required = forms.BooleanField(required=False)


class AnswerForm(forms.Form):
    """One field per question of the survey, named `q<id>`."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            name = f"q{question.pk}"
            if question.type == Question.Type.RATING:
                self.fields[name] = forms.ChoiceField(
                    choices=[(str(n), str(n)) for n in RATINGS],
                    widget=forms.RadioSelect,
                    help_text="1 poor, 5 excellent",
                )
            elif question.type == Question.Type.CHOICE:
                self.fields[name] = forms.ChoiceField(
                    choices=[(o, o) for o in question.choices()], widget=forms.RadioSelect
                )
            else:
                self.fields[name] = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
                )
            self.fields[name].label = question.text
            self.fields[name].required = question.required
