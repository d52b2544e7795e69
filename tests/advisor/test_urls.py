"""Every address the site answered before it was split into apps still answers (a public
contract: bookmarks, links in sent emails, calendar subscriptions, API clients).

The paths below are copied from the URLconf of the single ``careers`` app (commit a97eab0:
``advisor/urls.py``, ``careers/urls_comparisons.py``, ``careers/urls_plans.py``,
``careers/urls_nudges.py``, ``careers/api/urls.py``, Django's auth URLs and the DRF router's
routes with their format suffixes), written out rather than read from today's URLconf, so a
path that disappears from the code fails here instead of vanishing from the list. Beside each
path, the name it answers to now.
"""

from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from careers.content.models import AdviceItem, LearningTrack
from careers.content.snapshots import item_snapshot
from careers.content.workflow import revision_save
from careers.plans.models import NudgeDelivery
from careers.plans.schedule import week_start
from tests.factories import LearningPlanFactory, UserFactory, WeeklyCheckinFactory

# Samples shaped as the real values are: secrets.token_urlsafe(32) for share links and
# calendar feeds, Django's signer (``payload:timestamp:signature``) for nudge links.
SHARE_TOKEN = "MswX1sgyRvvlOB756bzDgQyDlCRUU3WZRKuoQFtYquQ"
CALENDAR_TOKEN = "q8Zr3kT_x2LmNpQvW8sYdE4hJcA1uF-b6n0oGiHwXyU"
ACTION_TOKEN = (
    "eyJwIjoxMiwidyI6IjIwMjYtMTEtMjMiLCJhIjoic3R1ZGllZCJ9:1xYeTk:"
    "1oNitpoVUTg8HnhKy4iH7RZdTt6ReQUW6wfIDa8R-BI"
)
UNSUBSCRIBE_TOKEN = "eyJwIjoxMn0:4HVbhpyS7OpfISTy9-FqLFmatZ7qlMfUrGNabejgIEY"
HELPFUL_TOKEN = "eyJ1IjozLCJpIjo0MSwiaCI6MX0:1xYeTk:XTgFbRtXGdEYuT3ok87uYKBMsJ5ft5t7BFi08sbQfEU"

OLD_PATHS = [
    # Pages (advisor/urls.py)
    ("/", "content:home"),
    ("/advice/", "content:advice_list"),
    ("/advice/ask-who-your-manager-will-be/helpful/", "content:advice_helpful"),
    ("/paths/industry-team/", "content:path_detail"),
    ("/dashboard/", "dashboard"),
    # Comparisons (careers/urls_comparisons.py)
    ("/comparisons/", "comparisons:comparison_list"),
    ("/comparisons/new/", "comparisons:comparison_create"),
    ("/comparisons/7/", "comparisons:comparison_detail"),
    ("/comparisons/7/edit/", "comparisons:comparison_edit"),
    ("/comparisons/7/delete/", "comparisons:comparison_delete"),
    ("/comparisons/7/options/new/", "comparisons:option_create"),
    ("/comparisons/7/options/31/edit/", "comparisons:option_edit"),
    ("/comparisons/7/options/31/delete/", "comparisons:option_delete"),
    ("/comparisons/7/options/31/evaluate/", "comparisons:option_evaluate"),
    ("/comparisons/7/weights/", "comparisons:comparison_weights"),
    ("/comparisons/7/results/", "comparisons:comparison_results"),
    ("/comparisons/7/export.csv", "comparisons:comparison_export_csv"),
    ("/comparisons/7/export.json", "comparisons:comparison_export_json"),
    ("/comparisons/7/share/", "comparisons:comparison_share"),
    (f"/comparisons/shared/{SHARE_TOKEN}/", "comparisons:comparison_shared"),
    # Plans and the calendar feed (careers/urls_plans.py)
    ("/plans/", "plans:plan_list"),
    ("/plans/new/", "plans:plan_create"),
    ("/plans/12/", "plans:plan_detail"),
    ("/plans/12/edit/", "plans:plan_edit"),
    ("/plans/12/delete/", "plans:plan_delete"),
    ("/plans/12/weeks/2026-11-23/", "plans:checkin_edit"),
    ("/plans/12/calendar/regenerate/", "plans:plan_calendar_regenerate"),
    (f"/plans/calendar/{CALENDAR_TOKEN}.ics", "plans:plan_calendar_feed"),
    # Links in nudge emails (careers/urls_nudges.py)
    (f"/nudges/action/{ACTION_TOKEN}/", "plans:nudge_action"),
    (f"/nudges/unsubscribe/{UNSUBSCRIBE_TOKEN}/", "plans:nudge_unsubscribe"),
    (f"/nudges/helpful/{HELPFUL_TOKEN}/", "plans:nudge_helpful"),
    # Accounts, and Django's auth views (django.contrib.auth.urls): those django-allauth
    # serves at other paths redirect there (MOVED_AUTH_PAGES below).
    ("/accounts/signup/", "accounts:signup"),
    ("/accounts/profile/", "accounts:profile"),
    ("/accounts/login/", "login"),
    ("/accounts/logout/", "logout"),
    ("/healthz", "healthz"),
    # API: token, schema, docs (careers/api/urls.py)
    ("/api/auth/token/", "api:token"),
    ("/api/schema/", "api:schema"),
    ("/api/docs/", "api:docs"),
    # API: the routes written out beside the router
    ("/api/comparisons/7/result/", "api:comparison-result"),
    ("/api/comparisons/7/options/", "api:option-list"),
    ("/api/comparisons/7/options/31/", "api:option-detail"),
    ("/api/comparisons/7/options/31/answers/", "api:option-answers"),
    ("/api/plans/12/progress/", "api:plan-progress"),
    ("/api/plans/12/checkins/", "api:checkin-list"),
    ("/api/plans/12/checkins/2026-11-23/", "api:checkin-detail"),
    # API: the router's root, lists and details, each also with a format suffix
    ("/api/", "api:api-root"),
    # DRF's suffix converter for the root writes the slash back (as it did before the split).
    ("/api/.json/", "api:api-root"),
    ("/api/paths/", "api:path-list"),
    ("/api/paths.json", "api:path-list"),
    ("/api/paths/industry-team/", "api:path-detail"),
    ("/api/paths/industry-team.json", "api:path-detail"),
    ("/api/criteria/", "api:criterion-list"),
    ("/api/criteria.json", "api:criterion-list"),
    ("/api/criteria/manager_known/", "api:criterion-detail"),
    ("/api/criteria/manager_known.json", "api:criterion-detail"),
    ("/api/red-flags/", "api:red-flag-list"),
    ("/api/red-flags.json", "api:red-flag-list"),
    ("/api/red-flags/team_undisclosed/", "api:red-flag-detail"),
    ("/api/red-flags/team_undisclosed.json", "api:red-flag-detail"),
    ("/api/advice/", "api:advice-list"),
    ("/api/advice.json", "api:advice-list"),
    ("/api/advice/ask-who-your-manager-will-be/", "api:advice-detail"),
    ("/api/advice/ask-who-your-manager-will-be.json", "api:advice-detail"),
    ("/api/comparisons/", "api:comparison-list"),
    ("/api/comparisons.json", "api:comparison-list"),
    ("/api/comparisons/7/", "api:comparison-detail"),
    ("/api/comparisons/7.json", "api:comparison-detail"),
    ("/api/plans/", "api:plan-list"),
    ("/api/plans.json", "api:plan-list"),
    ("/api/plans/12/", "api:plan-detail"),
    ("/api/plans/12.json", "api:plan-detail"),
    # The admin's own pages, and the editors' dashboard beside them
    ("/admin/", "admin:index"),
    ("/admin/login/", "admin:login"),
    ("/admin/logout/", "admin:logout"),
    ("/admin/password_change/", "admin:password_change"),
    ("/admin/review/", "content:editorial_dashboard"),
    ("/admin/auth/user/", "admin:auth_user_changelist"),
    ("/admin/auth/group/", "admin:auth_group_changelist"),
]


@pytest.mark.parametrize(("path", "name"), OLD_PATHS, ids=[path for path, _ in OLD_PATHS])
def test_it_still_answers_every_address_of_before_the_split(path, name):
    match = resolve(path)

    assert match.view_name == name
    assert reverse(match.view_name, args=match.args, kwargs=match.kwargs) == path


# Django's auth views that django-allauth serves at paths of its own, and where each old
# path leads now (a permanent redirect). A reset link emailed before the move carries a
# token of Django's form, which allauth does not read: it leads to the reset page, which
# says the link has expired.
OLD_RESET_LINK = "/accounts/reset/MTI/d3k9zq-4f1c8e0b2a7d6c5e9f3b1a0d8c7e6f5a/"
MOVED_AUTH_PAGES = [
    ("/accounts/password_change/", "/accounts/password/change/", "password_change"),
    ("/accounts/password_change/done/", "/accounts/password/change/", "password_change"),
    ("/accounts/password_reset/", "/accounts/password/reset/", "account_reset_password"),
    (
        "/accounts/password_reset/done/",
        "/accounts/password/reset/done/",
        "account_reset_password_done",
    ),
    (OLD_RESET_LINK, "/accounts/password/reset/?link=expired", "account_reset_password"),
    (
        "/accounts/reset/done/",
        "/accounts/password/reset/key/done/",
        "account_reset_password_from_key_done",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "name"), MOVED_AUTH_PAGES, ids=[old for old, _, _ in MOVED_AUTH_PAGES]
)
def test_it_redirects_an_old_auth_address_to_the_page_that_replaced_it(
    client, alice, old, new, name
):
    client.force_login(alice)

    response = client.get(old)

    assert response.status_code == 301
    assert response["Location"] == new
    assert resolve(urlsplit(new).path).view_name == name
    assert client.get(new).status_code == 200


def test_it_keeps_the_query_of_an_old_auth_address(client, db):
    response = client.get("/accounts/password_reset/?next=/plans/")

    assert response["Location"] == "/accounts/password/reset/?next=/plans/"


def test_it_says_an_old_reset_link_has_expired_on_the_page_it_leads_to(client, alice):
    # A real link of the old form, still within its day when the accounts moved.
    uid = urlsafe_base64_encode(force_bytes(alice.pk))
    link = f"/accounts/reset/{uid}/{default_token_generator.make_token(alice)}/"

    response = client.get(link, follow=True)

    assert response.redirect_chain == [("/accounts/password/reset/?link=expired", 301)]
    assert response.status_code == 200
    assert "That reset link has expired" in response.content.decode()
    assert (
        "That reset link has expired"
        not in client.get("/accounts/password/reset/").content.decode()
    )


# Every model the single app registered in the admin, and the app that holds it now.
MOVED_MODELS = [
    ("careerpath", "content"),
    ("goal", "content"),
    ("criterion", "content"),
    ("redflagrule", "content"),
    ("tag", "content"),
    ("adviceitem", "content"),
    ("learningtrack", "content"),
    ("tip", "content"),
    ("contentrevision", "content"),
    ("profile", "accounts"),
    ("learningplan", "plans"),
    ("weeklycheckin", "plans"),
    ("nudgedelivery", "plans"),
]

# The admin pages of one model under /admin/careers/<model>/, each with the name of the page
# it is today (``None``: the admin's own redirect from ``<pk>/`` to ``<pk>/change/``).
MODEL_PAGES = [
    ("", "changelist"),
    ("add/", "add"),
    ("{pk}/", None),
    ("{pk}/change/", "change"),
    ("{pk}/history/", "history"),
    ("{pk}/delete/", "delete"),
]

# The pages only the knowledge base's admins have (django-import-export, django-simple-history,
# the editorial workflow, the email previews), taken from the old URLconf.
CONTENT_PAGES = [
    ("/admin/careers/adviceitem/import/", "/admin/content/adviceitem/import/"),
    ("/admin/careers/tag/export/?format=0", "/admin/content/tag/export/?format=0"),
    ("/admin/careers/careerpath/3/compare/", "/admin/content/careerpath/3/compare/"),
    ("/admin/careers/criterion/3/revert/17/", "/admin/content/criterion/3/revert/17/"),
    ("/admin/careers/goal/3/history/17/", "/admin/content/goal/3/history/17/"),
    ("/admin/careers/tip/3/workflow/submit/", "/admin/content/tip/3/workflow/submit/"),
    ("/admin/careers/redflagrule/3/preview/", "/admin/content/redflagrule/3/preview/"),
    (
        "/admin/careers/adviceitem/3/preview/email.html",
        "/admin/content/adviceitem/3/preview/email.html",
    ),
]

OLD_ADMIN_PATHS = [
    (f"/admin/careers/{model}/{page.format(pk=1)}", f"/admin/{app}/{model}/{page.format(pk=1)}")
    for model, app in MOVED_MODELS
    for page, _ in MODEL_PAGES
] + [
    ("/admin/careers/adviceitem/?q=manager&o=2", "/admin/content/adviceitem/?q=manager&o=2"),
    *CONTENT_PAGES,
]


@pytest.mark.parametrize(("old", "new"), OLD_ADMIN_PATHS, ids=[old for old, _ in OLD_ADMIN_PATHS])
def test_it_redirects_an_old_admin_address_to_the_models_own_app(admin_client, old, new):
    response = admin_client.get(old)

    assert response.status_code == 301
    assert response["Location"] == new
    # It leads to one of the model's admin pages, not to the admin's "not found" for the rest.
    assert resolve(urlsplit(new).path).func.__name__ != "catch_all_view"


@pytest.fixture
def a_row_of_every_moved_model(seeded, alice):
    """A row in every table the admin pages above open."""
    plan = LearningPlanFactory(owner=alice, track=LearningTrack.objects.get())
    WeeklyCheckinFactory(plan=plan, study_days_done=1)
    NudgeDelivery.objects.create(
        plan=plan, week_start=week_start(plan.start_date), scheduled_for=timezone.now()
    )
    advice = AdviceItem.objects.published().first()
    editor = UserFactory(username="edna", is_staff=True, roles=["Editor"])
    revision_save(item=advice, data={**item_snapshot(advice), "title": "Reworded"}, user=editor)


@pytest.mark.parametrize(("model_name", "app_label"), MOVED_MODELS)
def test_it_opens_every_page_an_old_admin_address_leads_to(
    admin_client, a_row_of_every_moved_model, model_name, app_label
):
    model = apps.get_model(app_label, model_name)
    pk = model._base_manager.order_by("pk").values_list("pk", flat=True).first()
    assert pk is not None, f"no {model_name} row to open"

    for page, view in MODEL_PAGES:
        old = f"/admin/careers/{model_name}/{page.format(pk=pk)}"
        response = admin_client.get(old, follow=True)

        new = f"/admin/{app_label}/{model_name}/{page.format(pk=pk)}"
        assert response.redirect_chain[0] == (new, 301), old
        # Read-only admins refuse to add or delete (403): a refusal, not a missing page.
        assert response.status_code in (200, 403), old
        final = resolve(response.request["PATH_INFO"])
        assert final.view_name == f"admin:{app_label}_{model_name}_{view or 'change'}", old


def test_it_still_answers_404_for_a_model_the_old_admin_never_had(admin_client):
    # There never was an "advice" admin (the model is AdviceItem): before and after the
    # split, the admin answers "not found" rather than guessing.
    assert admin_client.get("/admin/careers/advice/").status_code == 404
    assert admin_client.get("/admin/careers/advice/1/change/").status_code == 404


def test_it_leads_the_old_admin_app_index_to_a_page_that_exists(admin_client):
    # /admin/careers/ listed every model of the single app (``admin:app_list``, a97eab0); its
    # models now sit in several apps, so no one app's index stands in for it.
    response = admin_client.get("/admin/careers/")

    assert response.status_code == 301
    assert admin_client.get(response["Location"]).status_code == 200


def test_it_still_asks_a_user_without_staff_status_to_log_in_after_the_redirect(client, alice):
    # The redirect itself tells nothing away; the page it leads to still asks for a login.
    client.force_login(alice)

    response = client.get("/admin/careers/adviceitem/1/change/", follow=True)

    assert response.redirect_chain[0] == ("/admin/content/adviceitem/1/change/", 301)
    assert response.redirect_chain[-1][0].startswith("/admin/login/")
