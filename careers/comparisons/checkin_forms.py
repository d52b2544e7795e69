"""The form of a check-in's answer page: every question of ``checkin_questions`` as a row of
radio buttons (no script needed), and the note. It starts from the answers given so far, so
saving it unchanged keeps them."""

from __future__ import annotations

from typing import Any

from django import forms

from careers.comparisons.checkin_questions import QUESTIONS
from careers.comparisons.decision_models import TEXT_MAX_LENGTH, DecisionCheckin
from careers.core.forms import ServiceForm

NO_ANSWER = ("", "No answer")


class CheckinAnswersForm(ServiceForm):
    def __init__(self, data=None, *, checkin: DecisionCheckin):
        initial = {q.field: q.shown(getattr(checkin, q.field)) for q in QUESTIONS}
        super().__init__(data, initial={**initial, "note": checkin.note})
        for question in QUESTIONS:
            self.fields[question.field] = forms.ChoiceField(
                label=question.text,
                # "No answer" first, so an answer given by mistake can be taken back.
                choices=[NO_ANSWER, *((c.value, c.label) for c in question.choices)],
                widget=forms.RadioSelect,
                required=False,
                help_text=question.hint,
            )
        self.fields["note"] = forms.CharField(
            label="A note of your own",
            help_text="What surprised you, what you would tell someone choosing the same.",
            widget=forms.Textarea(attrs={"rows": 5}),
            max_length=TEXT_MAX_LENGTH,
            required=False,
        )

    def answers(self) -> dict[str, Any]:
        """The arguments of ``checkin_answers_save`` for the submitted form."""
        return {
            "answers": {q.field: self.cleaned_data[q.field] for q in QUESTIONS},
            "note": self.cleaned_data["note"],
        }
