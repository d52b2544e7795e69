"""Forms of the second opinions: the owner's invitation and the rater's answers. They parse
and bound input; ``raters`` does the writes."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError

from careers.comparisons.forms import SCALE_CHOICES, YES_NO_CHOICES
from careers.comparisons.models import COUNT_MAX, UNKNOWN, Rater
from careers.comparisons.raters import RaterOption
from careers.content.models import Criterion
from careers.core.forms import ServiceForm, model_form_field


class RaterInviteForm(ServiceForm):
    name = model_form_field(
        Rater,
        "name",
        label="Their name",
        help_text="Who they are to you, such as “Sam, my mentor”. Only you and they see it.",
    )


@dataclass(frozen=True)
class RaterQuestion:
    criterion: Criterion
    field: forms.BoundField


@dataclass(frozen=True)
class RaterOptionFields:
    option: RaterOption
    questions: list[RaterQuestion]


def _field_name(option_id: int, key: str) -> str:
    return f"value__{option_id}__{key}"


class RaterAnswersForm(ServiceForm):
    """One answer per option and people question, each "I don't know" until answered.

    Only the fields it declares are read: anything else posted is ignored, and a value
    outside a question's choices is an error beside that question.
    """

    def __init__(self, *args, questions: list[RaterOption], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.positions: list[str] = []
        for item in questions:
            for criterion in item.criteria:
                name = _field_name(item.option.pk, criterion.key)
                self.fields[name] = self._value_field(criterion, item.answers.get(criterion.key))
                self.positions.append(name)

    @staticmethod
    def _value_field(criterion: Criterion, saved: str | None) -> forms.Field:
        value = saved or UNKNOWN
        if criterion.answer_type == Criterion.AnswerType.COUNT:
            return forms.IntegerField(
                label="Your answer (a number)",
                required=False,
                min_value=0,
                max_value=COUNT_MAX,
                initial=None if value == UNKNOWN else value,
                help_text=f"{criterion.help_text} Leave it empty if you don't know.".strip(),
            )
        choices = SCALE_CHOICES if criterion.answer_type == Criterion.AnswerType.SCALE else None
        return forms.ChoiceField(
            label="Your answer",
            choices=choices or YES_NO_CHOICES,
            required=False,
            initial=value,
            widget=forms.RadioSelect,
            help_text=criterion.help_text,
        )

    def options(self) -> list[RaterOptionFields]:
        return [
            RaterOptionFields(
                option=item,
                questions=[
                    RaterQuestion(criterion, self[_field_name(item.option.pk, criterion.key)])
                    for criterion in item.criteria
                ],
            )
            for item in self.questions
        ]

    def answers(self) -> list[dict]:
        """The cleaned answers, in the shape ``rater_answers_save`` takes."""
        items = []
        for item in self.questions:
            for criterion in item.criteria:
                value = self.cleaned_data.get(_field_name(item.option.pk, criterion.key))
                items.append(
                    {
                        "option": item.option.pk,
                        "criterion": criterion.key,
                        "value": UNKNOWN if value in (None, "") else value,
                    }
                )
        return items

    def service_errors_add(self, error: ValidationError) -> None:
        """Put ``rater_answers_save`` errors (keyed by item position) beside their question."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for index, messages in error.error_dict.items():
            try:
                name = self.positions[int(index)]
            except (ValueError, IndexError):
                self.add_error(None, messages)
            else:
                self.add_error(name, messages)
