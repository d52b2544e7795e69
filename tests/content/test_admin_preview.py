import re

import pytest
from django.apps import apps
from django.urls import reverse

from careers.content.models import AdviceItem, ContentRevision, RedFlagRule, Status, Tip
from careers.content.roles import EDITOR
from careers.content.snapshots import item_snapshot
from careers.content.workflow import revision_save
from careers.plans.models import LearningPlan, NudgeDelivery
from tests.factories import (
    AdviceItemFactory,
    CareerPathFactory,
    RedFlagRuleFactory,
    TagFactory,
    UserFactory,
)


@pytest.fixture
def erin(db):
    """An editor: staff, in the Editor group the migrations create."""
    return UserFactory(username="erin", is_staff=True, roles=[EDITOR])


@pytest.fixture
def editor_client(client, erin):
    client.force_login(erin)
    return client


def preview_url(item, part: str = "preview") -> str:
    return reverse(f"admin:{item._meta.app_label}_{item._meta.model_name}_{part}", args=[item.pk])


def pending_change(item, user, **changes):
    data = item_snapshot(item)
    data.update(changes)
    return revision_save(item=item, data=data, user=user)


def advice_card(html: str, slug: str) -> str:
    match = re.search(
        rf'<article class="card advice" aria-labelledby="{slug}">.*?</article>', html, re.S
    )
    assert match, f"no advice card for {slug}"
    return match.group(0)


def test_it_previews_a_draft_advice_item_as_the_library_will_show_it(editor_client):
    item = AdviceItemFactory(
        status=Status.DRAFT,
        version=0,
        title="Pick the team",
        body="Ask who your **manager** would be.",
        tags=[TagFactory(slug="offers", name="Offers")],
    )

    response = editor_client.get(preview_url(item))

    assert response.status_code == 200
    html = response.content.decode()
    card = advice_card(html, item.slug)
    assert "Pick the team" in card
    assert "<strong>manager</strong>" in card
    assert "Offers" in card
    assert "Draft" in html
    assert "users see nothing of it until it is published" in html
    assert reverse("admin:content_adviceitem_change", args=[item.pk]) in html
    # Not on the site yet, so there is no live page to link to.
    assert "View on site" not in html
    # The nudge email is built around a plan on a learning track, and there is none.
    assert "there is no learning track yet" in html
    assert editor_client.get(preview_url(item, "preview_email")).status_code == 404


def test_it_previews_the_same_card_the_library_shows(editor_client):
    live, hidden = CareerPathFactory(slug="industry"), CareerPathFactory(status=Status.DRAFT)
    item = AdviceItemFactory(
        body="Meet the **people** first.", paths=[live, hidden], tags=[TagFactory()]
    )

    preview = editor_client.get(preview_url(item)).content.decode()
    library = editor_client.get(reverse("content:advice_list")).content.decode()

    assert advice_card(preview, item.slug) == advice_card(library, item.slug)
    assert hidden.name not in advice_card(preview, item.slug)
    assert f'href="{reverse("content:advice_list")}#{item.slug}"' in preview


def test_it_previews_the_pending_change_while_the_library_shows_the_live_text(editor_client, erin):
    item = AdviceItemFactory(title="Live title", body="The **live** advice.")
    pending_change(item, erin, title="Changed title", body="The **changed** advice.")

    preview = editor_client.get(preview_url(item)).content.decode()
    library = editor_client.get(reverse("content:advice_list")).content.decode()

    assert "Pending change, not yet live" in preview
    card = advice_card(preview, item.slug)
    assert "Changed title" in card
    assert "<strong>changed</strong>" in card
    assert "Live title" not in card
    assert "Live title" in library
    assert "<strong>live</strong>" in library
    assert "Changed title" not in library
    assert "changed" not in library


def row_counts() -> dict[str, int]:
    """Rows in every table, history and many-to-many history tables included."""
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


def test_it_writes_nothing_when_previewing(editor_client, erin, seeded):
    old_tag, new_tag = TagFactory(slug="old"), TagFactory(slug="new")
    path = CareerPathFactory()
    item = AdviceItemFactory(title="Live title", tags=[old_tag])
    revision = pending_change(
        item, erin, title="Changed title", tags=["new"], paths=[path.slug], position=9
    )
    item.refresh_from_db()
    before = {
        "item": AdviceItem.objects.filter(pk=item.pk).values().get(),
        "tags": list(item.tags.values_list("slug", flat=True)),
        "paths": list(item.paths.all()),
        "history": AdviceItem.history.count(),
        "revisions": list(ContentRevision.objects.values()),
        "rows": row_counts(),
    }

    page = editor_client.get(preview_url(item))
    email_html = editor_client.get(preview_url(item, "preview_email"))

    assert "Changed title" in page.content.decode()
    assert "Changed title" in email_html.content.decode()
    item.refresh_from_db()
    assert row_counts() == before["rows"]
    assert LearningPlan.objects.count() == NudgeDelivery.objects.count() == 0
    assert AdviceItem.objects.filter(pk=item.pk).values().get() == before["item"]
    assert list(item.tags.values_list("slug", flat=True)) == before["tags"] == ["old"]
    assert list(item.paths.all()) == before["paths"] == []
    assert AdviceItem.history.count() == before["history"]
    assert list(ContentRevision.objects.values()) == before["revisions"]
    revision.refresh_from_db()
    assert revision.status == ContentRevision.Status.DRAFT
    assert new_tag.advice_items.count() == 0


def test_it_previews_a_red_flag_on_the_path_page_and_in_a_comparison(editor_client, erin):
    path = CareerPathFactory(name="Research lab")
    flag = RedFlagRuleFactory(
        title="Nobody would name the team",
        explanation="Ask again before you accept.",
        criterion__question="Did you meet your future teammates?",
        criterion__paths=[path],
    )
    pending_change(flag, erin, title="They would not name the team", severity="caution")

    response = editor_client.get(preview_url(flag))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Pending change, not yet live" in html
    path_card = re.search(r'<li class="card red-flag red-flag--caution">.*?</li>', html, re.S)
    assert path_card, "no red flag as the path page shows it"
    assert "They would not name the team" in path_card.group(0)
    assert "Raised by:" in path_card.group(0)
    assert "Did you meet your future teammates?" in path_card.group(0)
    result_item = re.search(r'<li class="red-flag red-flag--caution">.*?</li>', html, re.S)
    assert result_item, "no red flag as a comparison result shows it"
    assert "They would not name the team" in result_item.group(0)
    assert "Ask again before you accept." in result_item.group(0)
    assert "Nobody would name the team" not in html.split("Pending change")[1]
    assert "Research lab" in html
    live_link = reverse("content:path_detail", args=[path.slug]) + "#red-flags"
    assert live_link in html
    # Red flags are not sent by email.
    assert "nudge email" not in html
    assert editor_client.get(preview_url(flag, "preview_email")).status_code == 404


def test_it_says_in_a_red_flag_preview_when_its_criterion_is_not_published(editor_client):
    flag = RedFlagRuleFactory(status=Status.DRAFT, criterion__status=Status.DRAFT)

    html = editor_client.get(preview_url(flag)).content.decode()

    assert "is not published, so no page or comparison shows this flag yet" in html


def test_it_previews_a_tip_on_the_plan_page_and_in_the_nudge_email(editor_client, erin, seeded):
    tip = Tip.objects.get(key="financial_aid")
    pending_change(tip, erin, text="Ask for financial aid: the course is then free.")

    response = editor_client.get(preview_url(tip))

    assert response.status_code == 200
    html = response.content.decode()
    assert "On the learning plan page" in html
    assert "If the fee is a hardship" in html
    assert "<p>Ask for financial aid: the course is then free.</p>" in html
    text_part = re.search(r'<pre class="content-preview__text">(.*?)</pre>', html, re.S)
    assert text_part, "no text part"
    assert "Ask for financial aid: the course is then free." in text_part.group(0)
    assert tip.text not in html
    email_html = editor_client.get(preview_url(tip, "preview_email"))
    assert email_html.status_code == 200
    assert "Ask for financial aid: the course is then free." in email_html.content.decode()
    assert Tip.objects.get(pk=tip.pk).text == tip.text


def test_it_shows_the_advice_in_both_parts_of_the_email_preview(editor_client, erin, seeded):
    item = AdviceItem.objects.published().first()
    pending_change(item, erin, title="Meet them twice", body="Ask to meet **the whole team**.")
    email_url = preview_url(item, "preview_email")

    html = editor_client.get(preview_url(item)).content.decode()

    assert "In the weekly nudge email" in html
    assert re.search(r'<p class="content-preview__subject">\s*\S', html)
    text_part = re.search(r'<pre class="content-preview__text">(.*?)</pre>', html, re.S)
    assert text_part, "no text part"
    assert "Meet them twice" in text_part.group(1)
    assert "Ask to meet **the whole team**." in text_part.group(1)
    iframe = re.search(r"<iframe [^>]*>", html).group(0)
    assert " sandbox " in iframe
    assert f'src="{email_url}"' in iframe
    email_html = editor_client.get(email_url)
    assert email_html["Content-Type"] == "text/html; charset=utf-8"
    body = email_html.content.decode()
    assert body.lstrip().lower().startswith("<!doctype html>")
    assert "Meet them twice" in body
    assert "<strong>the whole team</strong>" in body
    assert item.title not in body


def test_it_lets_only_the_admin_frame_the_email_html_part_and_runs_no_script(editor_client, seeded):
    tip = Tip.objects.published().first()

    response = editor_client.get(preview_url(tip, "preview_email"))

    assert response["X-Frame-Options"] == "SAMEORIGIN"
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy
    assert "default-src 'none'" in policy
    assert "script-src" not in policy
    assert "sandbox" in policy
    # The preview page itself keeps the site's strict policy.
    page_policy = editor_client.get(preview_url(tip))["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in page_policy
    assert "unsafe-inline" not in page_policy


def test_it_reports_a_pending_change_that_no_longer_applies(editor_client, erin):
    tag = TagFactory(slug="soon-gone")
    item = AdviceItemFactory()
    pending_change(item, erin, tags=[tag.slug])
    tag.delete()

    response = editor_client.get(preview_url(item))

    assert response.status_code == 200
    assert "The pending change cannot be shown" in response.content.decode()
    assert "soon-gone" in response.content.decode()


def test_it_answers_404_for_a_missing_item(editor_client):
    url = reverse("admin:content_adviceitem_preview", args=[987654])
    assert editor_client.get(url).status_code == 404


@pytest.mark.parametrize("part", ["preview", "preview_email"])
def test_it_refuses_staff_in_no_group(client, db, part):
    item = AdviceItemFactory()
    client.force_login(UserFactory(username="charlie", is_staff=True))

    assert client.get(preview_url(item, part)).status_code == 403
    missing = reverse(f"admin:content_adviceitem_{part}", args=[987654])
    assert client.get(missing).status_code == 403


@pytest.mark.parametrize("part", ["preview", "preview_email"])
def test_it_sends_anonymous_users_to_the_admin_login(client, db, part):
    flag = RedFlagRuleFactory()
    url = preview_url(flag, part)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert RedFlagRule.objects.get(pk=flag.pk).title == flag.title
