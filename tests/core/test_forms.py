"""The shared form helpers."""

from datetime import date

from django import forms
from django.utils import translation

from careers.core.forms import DateInput


class DeadlineForm(forms.Form):
    deadline = forms.DateField(widget=DateInput)


def test_it_renders_a_date_input_in_the_iso_form_browsers_accept_whatever_the_locale(settings):
    with translation.override("en-gb"):
        html = str(DeadlineForm(initial={"deadline": date(2027, 1, 15)})["deadline"])
    assert 'type="date"' in html
    assert 'value="2027-01-15"' in html


def test_it_reads_back_the_iso_date_a_browser_submits():
    form = DeadlineForm({"deadline": "2027-01-15"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["deadline"] == date(2027, 1, 15)
