"""Building the emails the advisor sends. Templates come in threes under templates/plans/emails/:
``<name>-subject.txt``, ``<name>-body-text.txt`` and ``<name>-body-html.html``.

A chunk's nudges are written by one ``NudgeComposer``, which makes what they share once: the
links' routes and signers, each advice item's plain text, and the rendering of the templates
themselves. The templates see a learner's plan and progress as plain values that say nothing
of whose they are (``PlanShown``, ``ProgressShown``); the learner's name and links, the only
personal values, go in as markers. Emails alike in everything else (the same week, focus,
progress, tip and advice) then share one rendering, into which each puts its own name and
links, escaped as the template would have escaped them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date
from html import unescape
from typing import Any
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from careers.accounts.models import Profile
from careers.content.models import WEEKDAYS, AdviceItem, LearningTrack, Tip
from careers.plans.links import NudgeLinks, absolute
from careers.plans.models import LearningPlan, NudgeDelivery
from careers.plans.schedule import WEEK, WeekFocus, local_week_start
from careers.plans.selectors import PlanProgress, plan_progress
from careers.plans.timeline import SKIP_REFILL_WEEKS, STATE_LABELS, WeekState, week_counts
from careers.plans.wire import NudgeEmail

# The week a preview's sample plan is in: a few weeks along, so the email shows a focus, a
# project step and progress, as most learners' emails do.
PREVIEW_PLAN_WEEK = 3
WEEKDAY_NAMES = dict(WEEKDAYS)


# Where a personal value goes in a rendering that several emails share: the name of the
# value between two unit separators, a character no template, escaping or text of ours has.
# The names mix cases and punctuation, so a filter that changed the value would change
# the marker too, and the rendering is then not shared.
_MARK = "\x1f"
_MARKED = re.compile(f"{_MARK}Nudge:([^{_MARK}]*){_MARK}")


def _mark(name: str) -> str:
    return f"{_MARK}Nudge:{name}{_MARK}"


@dataclass(frozen=True)
class PlanShown:
    """A plan as the nudge templates see it: its track, schedule and email settings, and
    nothing that says whose it is (no id, no owner)."""

    track: LearningTrack
    start_date: date
    weeks: int
    papers_per_week: int
    ml_course_first: bool
    study_days: tuple[int, ...]
    nudge_weekday: int
    nudge_hour: int
    timezone: str
    skip_budget: int

    @classmethod
    def of(cls, plan: LearningPlan) -> PlanShown:
        return _copy_fields(cls, plan, study_days=tuple(plan.study_days))


@dataclass(frozen=True)
class ProgressShown:
    """A plan's progress as the nudge templates see it: ``PlanProgress`` without the plan,
    its schedule and this week's check-in."""

    today: date
    week: int
    week_start: date
    total_weeks: int
    focus: WeekFocus | None
    streak: int
    papers_read: int
    papers_target: int
    papers_year_pace: int
    papers_year_target: int
    finished: bool
    skips_left: int
    # Whether the week the email is about has a study day or a paper logged already.
    logged: bool

    @classmethod
    def of(cls, progress: PlanProgress) -> ProgressShown:
        return _copy_fields(cls, progress)


# How the email's table shows each week: a colour and, for readers who do not see it (and
# the text part), a letter.
HEATMAP_CELLS = {
    WeekState.LOGGED: ("#1f7a3f", "#ffffff", "L"),
    WeekState.SKIPPED: ("#f2c94c", "#1b1f24", "s"),
    WeekState.BREAK: ("#9db4e0", "#1b1f24", "b"),
    WeekState.MISSED: ("#c0392b", "#ffffff", "x"),
    WeekState.CURRENT: ("#ffffff", "#1d4ed8", "o"),
    WeekState.FUTURE: ("#e4e7ec", "#4a5361", "."),
}
HEATMAP_ROW_WEEKS = 13


@dataclass(frozen=True)
class HeatmapCell:
    background: str
    color: str
    letter: str
    title: str


def email_heatmap(progress: PlanProgress) -> tuple[tuple[HeatmapCell, ...], ...]:
    """The plan's weeks in rows of a quarter (13 weeks), as the email's table shows them."""
    cells = [
        HeatmapCell(
            *HEATMAP_CELLS[week.state],
            title=f"Week of {week.monday:%-d %b %Y}: {STATE_LABELS[week.state]}",
        )
        for week in progress.plan_weeks()
    ]
    return tuple(
        tuple(cells[start : start + HEATMAP_ROW_WEEKS])
        for start in range(0, len(cells), HEATMAP_ROW_WEEKS)
    )


def heatmap_summary(progress: PlanProgress) -> str:
    """The heatmap in words: how many weeks of each kind."""
    return "; ".join(
        f"{STATE_LABELS[state].split(' (')[0].lower()}: {count}"
        for state, count in week_counts(progress.plan_weeks()).items()
        if count
    )


def next_focus(progress: PlanProgress) -> WeekFocus | None:
    """The focus of the first course week after this one: the next step once this week is
    logged."""
    return next(
        (
            week.focus
            for week in progress.timeline.weeks
            if week.monday > progress.week_start and week.focus is not None
        ),
        None,
    )


def _copy_fields(cls, source, **given):
    """An instance of the dataclass ``cls`` with each field read from ``source`` by its
    name, but for those ``given``."""
    return cls(
        **{f.name: getattr(source, f.name) for f in fields(cls) if f.name not in given}, **given
    )


@dataclass(frozen=True)
class _Learner:
    """The learner as the templates see them: a name."""

    username: str

    def get_username(self) -> str:
        return self.username


@dataclass(frozen=True)
class _Rendering:
    """The three templates rendered with a marker for each personal value: the text between
    the markers and their names, alternately."""

    subject: list[str]
    text: list[str]
    html: list[str]

    @classmethod
    def of(cls, subject: str, text: str, html: str, names: set[str]) -> _Rendering | None:
        """None when a marker did not come through as it went in."""
        parts = [_MARKED.split(output) for output in (subject, text, html)]
        for pieces in parts:
            if any(_MARK in piece for piece in pieces[::2]) or not set(pieces[1::2]) <= names:
                return None
        return cls(*parts)

    def fill(self, values: dict[str, str]) -> tuple[str, str, str]:
        def fill(pieces: list[str], put) -> str:
            out = pieces[:]
            out[1::2] = [put(values[name]) for name in pieces[1::2]]
            return "".join(out)

        return (
            " ".join(fill(self.subject, str).split()),
            fill(self.text, str),
            # As the HTML template escapes a variable (autoescape).
            fill(self.html, escape),
        )


def _render(name: str, context: dict[str, Any]) -> tuple[str, str, str]:
    subject = " ".join(render_to_string(f"plans/emails/{name}-subject.txt", context).split())
    text = render_to_string(f"plans/emails/{name}-body-text.txt", context)
    # The HTML part's <title>, which some clients show as its heading, is the subject.
    html = render_to_string(f"plans/emails/{name}-body-html.html", {**context, "subject": subject})
    return subject, text, html


def nudge_message_id(delivery: NudgeDelivery) -> str:
    """Stable per delivery, so a resend after a lost acknowledgement carries the same id and
    receiving servers can drop the duplicate."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    kind = "nudge" if delivery.kind == NudgeDelivery.Kind.WEEKLY else "nudge-reminder"
    return f"<{kind}.{delivery.plan_id}.{delivery.week_start:%Y%m%d}@{domain}>"


def advice_plain_text(markdown: str) -> str:
    """An advice body for a text/plain part: its Markdown, which reads as plain text, with
    any raw HTML typed into it removed (as pages remove it)."""
    return unescape(nh3.clean(markdown, tags=set())).strip()


class NudgeComposer:
    """Writes the nudges of a chunk, making what their emails share once (see the module
    docstring)."""

    def __init__(self) -> None:
        self.links = NudgeLinks()
        self.advice_texts: dict[int, str] = {}
        # Renderings by everything the templates see but the personal values.
        self.renderings: dict[tuple, _Rendering | None] = {}

    def email(
        self,
        *,
        delivery: NudgeDelivery,
        progress: PlanProgress,
        tip: Tip | None,
        advice: AdviceItem | None = None,
    ) -> NudgeEmail:
        """The weekly nudge: this week's focus, progress, streak, one tip, the advice of the
        week and one-click links."""
        plan = delivery.plan
        links = self.links.for_email(
            plan_id=plan.pk,
            week=delivery.week_start,
            owner_id=plan.owner_id,
            advice_id=advice.pk if advice is not None else None,
        )
        advice_text = ""
        if advice is not None:
            if advice.pk not in self.advice_texts:
                self.advice_texts[advice.pk] = advice_plain_text(advice.body)
            advice_text = self.advice_texts[advice.pk]
        return self.message(
            plan=plan,
            week=delivery.week_start,
            progress=progress,
            tip=tip,
            advice=advice,
            advice_text=advice_text,
            links=links,
            message_id=nudge_message_id(delivery),
            kind=delivery.kind,
        )

    def message(
        self,
        *,
        plan: LearningPlan,
        week: date,
        progress: PlanProgress,
        tip: Tip | None,
        advice: AdviceItem | None,
        advice_text: str,
        links: dict[str, str],
        message_id: str,
        kind: str = NudgeDelivery.Kind.WEEKLY,
    ) -> NudgeEmail:
        """The email about ``week``: the weekly nudge, which asks to log the week or, when it
        is logged already, says well done and shows the next step; or the second reminder
        (``kind``), sent only while nothing is logged."""
        this_week = progress.this_week if progress.logged else None
        shown = {
            "kind": str(kind),
            "plan": PlanShown.of(plan),
            "progress": ProgressShown.of(progress),
            "focus": progress.focus,
            "next_focus": next_focus(progress),
            "logged_days": this_week.study_days_done if this_week else 0,
            "logged_papers": this_week.papers_read if this_week else 0,
            "days": tuple(
                (WEEKDAY_NAMES[day.weekday], day.light, day.text) for day in progress.days
            ),
            # Every study day light: no new module this week, the course waits for a full day.
            "light_week": bool(progress.days) and all(day.light for day in progress.days),
            "skip_refill_weeks": SKIP_REFILL_WEEKS,
            "heatmap": email_heatmap(progress),
            "heatmap_summary": heatmap_summary(progress),
            "tip": tip,
            "advice": advice,
            "advice_text": advice_text,
            # The share of the papers planned so far that were read, for the HTML part's bar.
            "papers_percent": (
                min(100, round(100 * progress.papers_read / progress.papers_target))
                if progress.papers_target
                else 0
            ),
            "nudge_day": WEEKDAY_NAMES[plan.nudge_weekday],
            "week_start": week,
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
        }
        personal = {"user": plan.owner.get_username()}
        personal.update((f"links.{name}", url) for name, url in links.items())
        subject, text, html_body = self._render(shown, personal)
        message = NudgeEmail(
            subject=subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[plan.owner.email],
            headers={
                "Message-ID": message_id,
                # RFC 8058: mail clients offer one-click unsubscribe with a POST to this URL.
                "List-Unsubscribe": f"<{links['unsubscribe']}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "Auto-Submitted": "auto-generated",
            },
        )
        message.attach_alternative(html_body, "text/html")
        return message

    def _render(self, shown: dict[str, Any], personal: dict[str, str]) -> tuple[str, str, str]:
        """The three parts, from the shared rendering of ``shown`` when it has one."""
        key = (
            *((name, value.pk if isinstance(value, Tip | AdviceItem) else value)
              for name, value in shown.items()),
            tuple(personal),
        )  # fmt: skip
        if key not in self.renderings:
            marked = {
                **shown,
                "user": _Learner(_mark("user")),
                "links": {
                    name[len("links.") :]: _mark(name) for name in personal if name != "user"
                },
            }
            subject, text, html = _render("nudge", marked)
            # A subject with a personal value in it would put a marker in the HTML's title.
            self.renderings[key] = (
                None if _MARK in subject else _Rendering.of(subject, text, html, set(personal))
            )
        rendering = self.renderings[key]
        if rendering is not None and _MARK not in "".join(personal.values()):
            return rendering.fill(personal)
        links = {name[len("links.") :]: url for name, url in personal.items() if name != "user"}
        return _render("nudge", {**shown, "user": _Learner(personal["user"]), "links": links})


def nudge_email(
    *,
    delivery: NudgeDelivery,
    progress: PlanProgress,
    tip: Tip | None,
    advice: AdviceItem | None = None,
) -> NudgeEmail:
    """One nudge (``NudgeComposer.email`` for a chunk of one)."""
    return NudgeComposer().email(delivery=delivery, progress=progress, tip=tip, advice=advice)


def nudge_preview(
    *, user: AbstractBaseUser, tip: Tip | None = None, advice: AdviceItem | None = None
) -> NudgeEmail:
    """The weekly nudge as ``user`` would get it this week, with this tip and advice item
    (published or not), for editors to see them in place before they go out.

    It is built from a sample plan on the curated track that is never saved: nothing is
    written. Its links all lead to ordinary pages (the learner's plans, the advice library),
    never to a signed link, so clicking one in a preview changes nobody's data.
    """
    track = (
        LearningTrack.objects.published().order_by("name").first()
        or LearningTrack.objects.order_by("name").first()
    )
    if track is None:
        raise LearningTrack.DoesNotExist("A nudge preview needs a learning track.")
    zone = Profile.objects.filter(user=user).values_list("timezone", flat=True).first() or "UTC"
    now = timezone.now()
    this_week = local_week_start(now, zone)
    plan = LearningPlan(
        owner=user,
        track=track,
        start_date=this_week - (PREVIEW_PLAN_WEEK - 1) * WEEK,
        weeks=track.default_weeks,
        papers_per_week=track.papers_per_week,
        study_days=list(track.study_days),
        timezone=zone,
    )
    plans_page = absolute(reverse("plans:plan_list"))
    advice_page = absolute(reverse("content:advice_list"))
    links = {
        **dict.fromkeys(
            ("studied", "papers_0", "papers_1", "papers_2", "skip", "pause", "settings", "plan"),
            plans_page,
        ),
        "unsubscribe": plans_page,
        "helpful_yes": advice_page,
        "helpful_no": advice_page,
    }
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return NudgeComposer().message(
        plan=plan,
        week=this_week,
        progress=plan_progress(plan=plan, now=now, checkins=[]),
        tip=tip,
        advice=advice,
        advice_text=advice_plain_text(advice.body) if advice is not None else "",
        links=links,
        message_id=f"<nudge-preview.{this_week:%Y%m%d}@{domain}>",
    )
