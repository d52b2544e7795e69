"""No admin form answers 500: every add form of the admin, and every change form of an object
it lists, posted the same classes of hostile value as the site's forms (a lone surrogate's
bytes, a NUL, thousands of digits, a 1 MB string, dates at the ends of the calendar), in every
field at once, as a superuser would send them. Each answer is a page (the form again with its
errors, or a redirect once saved), never a server error."""

from urllib.parse import quote

import pytest
from django.contrib import admin
from django.urls import reverse

from careers.content.models import LearningTrack
from tests.factories import LearningPlanFactory, WeeklyCheckinFactory

HOSTILE = {
    "a lone surrogate": "x\ud800",
    "a NUL": "x\x00",
    "a 5,000-digit number": "7" * 5_000,
    "a 1 MB string": "x" * 1_000_000,
    "the last day of the calendar": "9999-12-31",
    "a year past 9999": "10000-01-01",
    "a negative number": "-1",
}
MODELS = sorted((model._meta.app_label, model._meta.model_name) for model in admin.site._registry)


def _percent(text: str) -> str:
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


@pytest.mark.parametrize(("app_label", "model_name"), MODELS, ids=[f"{a}.{m}" for a, m in MODELS])
def test_it_answers_every_hostile_admin_form_post_with_a_page(
    seeded, admin_client, app_label, model_name
):
    admin_client.raise_request_exception = False  # every value is sent, whatever one does
    # A row of each kind the seeds do not write, so its change form is sent values too.
    WeeklyCheckinFactory(plan=LearningPlanFactory(track=LearningTrack.objects.get()))
    urls = []
    if admin_client.get(reverse(f"admin:{app_label}_{model_name}_add")).status_code == 200:
        urls.append(reverse(f"admin:{app_label}_{model_name}_add"))
    model = next(m for m in admin.site._registry if m._meta.model_name == model_name)
    first = model._default_manager.order_by("pk").first()
    if first is not None:
        change = reverse(f"admin:{app_label}_{model_name}_change", args=[first.pk])
        if admin_client.get(change).status_code == 200:
            urls.append(change)
    if not urls:
        pytest.skip(f"the admin lets nobody add or change {model_name} here")

    statuses = {}
    for url in urls:
        form = admin_client.get(url).context["adminform"].form
        names = [bound.html_name for bound in form]
        for label, value in HOSTILE.items():
            body = "&".join(f"{name}={_percent(value)}" for name in names)
            response = admin_client.generic(
                "POST", url, body.encode(), content_type="application/x-www-form-urlencoded"
            )
            statuses[f"{url} {label}"] = response.status_code

    assert {case: status for case, status in statuses.items() if status >= 500} == {}
