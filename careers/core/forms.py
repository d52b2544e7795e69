"""Helpers every app's forms and views share: binding a form to a POST, showing a service's
errors beside the fields, date inputs, and the bounds a model states for a field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import HttpRequest, QueryDict


def posted(request: HttpRequest) -> QueryDict | None:
    """The POST data to bind a form to, even when empty (an empty form is still a submission);
    None on GET, so the form renders unbound."""
    return request.POST if request.method == "POST" else None


class ServiceForm(forms.Form):
    """A form whose cleaned data a service writes; the service's own checks can still refuse
    it, and their errors show on the form like the form's."""

    def service_errors_add(self, error: ValidationError) -> None:
        """Show a service's ValidationError on the form: beside a field when it names one."""
        if hasattr(error, "error_dict"):
            for name, messages in error.error_dict.items():
                self.add_error(name if name in self.fields else None, messages)
        else:
            self.add_error(None, error)


def form_write[T](
    request: HttpRequest, form: ServiceForm, write: Callable[[], T]
) -> tuple[bool, T | None]:
    """On a POST whose form is valid, call ``write`` (a service call) and return
    ``(True, what it returned)``; when the service refuses, its errors go on the form and
    this returns ``(False, None)``, as it does on a GET or an invalid form."""
    if request.method != "POST" or not form.is_valid():
        return False, None
    try:
        return True, write()
    except ValidationError as error:
        form.service_errors_add(error)
        return False, None


class DateInput(forms.DateInput):
    """``<input type="date">``, whose value is always ISO ``yyyy-mm-dd`` whatever the site's
    locale: a browser drops any other value and submits the field empty, so an edit page
    rendered in the ``en-gb`` format would erase every date it shows."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def _limit(validator: MinValueValidator | MaxValueValidator) -> Any:
    value = validator.limit_value
    return value() if callable(value) else value


def model_limits(model: type[models.Model], name: str) -> tuple[Any, Any]:
    """The lowest and highest value a model field accepts, as its validators state them
    (``None`` where it states none). The strictest wins: an integer column also carries the
    database's own range."""
    lowest = highest = None
    for validator in model._meta.get_field(name).validators:
        if isinstance(validator, MinValueValidator):
            value = _limit(validator)
            lowest = value if lowest is None else max(lowest, value)
        elif isinstance(validator, MaxValueValidator):
            value = _limit(validator)
            highest = value if highest is None else min(highest, value)
    return lowest, highest


def model_bounds(model: type[models.Model], name: str) -> dict[str, Any]:
    """``min_value`` and ``max_value`` for a form or serializer number field, read from the
    model field, so the web form, the API and the model can never disagree."""
    lowest, highest = model_limits(model, name)
    return {"min_value": lowest, "max_value": highest}


def model_form_field(model: type[models.Model], name: str, **overrides: Any) -> forms.Field:
    """The form field Django makes for a model field (its length, digits, choices, whether
    it is required), with the bounds its validators state, so they reach the browser's input
    as ``min`` and ``max`` as well."""
    model_field = model._meta.get_field(name)
    bounds = {}
    if isinstance(model_field, models.IntegerField | models.DecimalField | models.FloatField):
        bounds = {
            key: value for key, value in model_bounds(model, name).items() if value is not None
        }
    return model_field.formfield(**{**bounds, **overrides})
