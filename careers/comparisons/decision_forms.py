"""The decision form: what the owner chose and expects, on the options of the frozen
result. It parses and bounds input; ``decisions.decision_save`` does the write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from careers.comparisons.decision_models import Decision
from careers.comparisons.decisions import DecisionStart, decisive_unknowns
from careers.content.models import WEEKDAYS
from careers.core.forms import DateInput, ServiceForm, model_form_field

NONE_OF_THEM = "none"
HOUR_CHOICES = [(hour, f"{hour:02d}:00") for hour in range(24)]


def _text(name: str, label: str, help_text: str) -> forms.Field:
    return model_form_field(
        Decision, name, label=label, help_text=help_text, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(ServiceForm):
    chosen_option = forms.ChoiceField(label="What I chose", widget=forms.RadioSelect)
    decided_on = forms.DateField(label="Decided on", widget=DateInput)
    start_date = forms.DateField(
        label="Expected start date",
        required=False,
        widget=DateInput,
        help_text="The check-ins come about 1, 3, 6 and 12 months after it.",
    )
    confidence = model_form_field(
        Decision,
        "confidence",
        label="How sure I am (0-100 %)",
        help_text="50 is a coin toss; 90 means you would be surprised to regret it.",
    )
    expectations = _text(
        "expectations",
        "What I expect the first months to be like",
        "In your own words: the team, the manager, the work, what you will learn. The "
        "check-ins put this beside what happened.",
    )
    change_my_mind = _text(
        "change_my_mind",
        "What would change my mind",
        "The news that would make you choose differently if you heard it now.",
    )
    premortem = _text(
        "premortem",
        "Premortem",
        "A year from now this went badly. What are the most likely reasons?",
    )
    backup_plan = _text("backup_plan", "Backup plan", "What you would do if it does not work out.")
    accepted_unknowns = forms.MultipleChoiceField(
        label="Unknowns I accept",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="What you still do not know and choose anyway. Ticked: the ones the swap "
        "analysis found could change the ranking. Only those of the option you choose are kept.",
    )
    checkin_weekday = forms.TypedChoiceField(
        label="Check-in day", choices=WEEKDAYS, coerce=int, initial=0
    )
    checkin_hour = forms.TypedChoiceField(
        label="Check-in time",
        choices=HOUR_CHOICES,
        coerce=int,
        initial=9,
        help_text="Local time in the time zone of your profile.",
    )

    def __init__(self, *args: Any, start: DecisionStart, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.start = start
        self.fields["chosen_option"].choices = [
            *((str(option["id"]), option["label"]) for option in start.options),
            (NONE_OF_THEM, "None of them"),
        ]
        self.fields["accepted_unknowns"].choices = [
            (
                option["label"],
                [(f"{option['id']}:{key}", key.replace("_", " ")) for key in option["unknowns"]],
            )
            for option in start.options
            if option["unknowns"]
        ]

    @classmethod
    def initial_for(cls, *, start: DecisionStart, decision: Decision | None) -> dict[str, Any]:
        """The form's values: the recorded decision's, or a new one's (the leader chosen,
        decided today, the decisive unknowns ticked)."""
        if decision is None:
            decisive = decisive_unknowns(start.basis)
            candidates = {option["id"]: set(option["unknowns"]) for option in start.options}
            return {
                "chosen_option": str(start.leader) if start.leader is not None else NONE_OF_THEM,
                "decided_on": timezone.localdate(),
                "accepted_unknowns": [
                    f"{option_id}:{key}"
                    for option_id, keys in decisive.items()
                    for key in keys
                    if key in candidates.get(option_id, ())
                ],
            }
        chosen = decision.chosen_option
        return {
            **{name: getattr(decision, name) for name in cls.base_fields},
            "chosen_option": str(chosen) if chosen is not None else NONE_OF_THEM,
            "accepted_unknowns": [f"{chosen}:{key}" for key in decision.accepted_unknowns],
        }

    def clean_chosen_option(self) -> int | None:
        value = self.cleaned_data["chosen_option"]
        return None if value == NONE_OF_THEM else int(value)

    def decision_fields(self) -> dict[str, Any]:
        """The cleaned data as ``decision_save`` takes it: the unknowns of the chosen option
        alone, as criterion keys."""
        data = dict(self.cleaned_data)
        chosen = data["chosen_option"]
        data["accepted_unknowns"] = [
            key
            for value in data["accepted_unknowns"]
            for option_id, _, key in [value.partition(":")]
            if chosen is not None and option_id == str(chosen)
        ]
        return data
