"""Reads of a learner's plans: the schedule, this week's focus, progress and streak."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from careers.accounts.models import Profile
from careers.accounts.selectors import verified_emails_prefetch
from careers.content.models import AdviceItem, Tip
from careers.core.forms import model_limits
from careers.plans.models import (
    MAX_WEEKS,
    MIN_WEEKS,
    LearningPlan,
    NudgeDelivery,
    PlanBreak,
    WeeklyCheckin,
)
from careers.plans.schedule import (
    WeekFocus,
    local_week_start,
    papers_per_year_pace,
    papers_target,
    plan_schedule,
    week_start,
)
from careers.plans.timeline import (
    MAX_SPEEDUP,
    Break,
    DaySuggestion,
    Pace,
    PlanWeek,
    Timeline,
    pace_toward,
    papers_due,
    plan_timeline,
    week_days,
)


def plan_list(*, owner: AbstractBaseUser) -> QuerySet[LearningPlan]:
    return LearningPlan.objects.filter(owner=owner).select_related("track")


def plan_get(*, owner: AbstractBaseUser, plan_id: int) -> LearningPlan | None:
    return plan_list(owner=owner).filter(pk=plan_id).first()


def calendar_plans(*, token: str) -> list[LearningPlan] | None:
    """The plans behind a calendar feed token (all of one user's), or None for no such feed.

    Tracks, courses, project steps and breaks come prefetched: one feed costs five queries
    however many plans it shows."""
    if not token:
        return None
    profile = Profile.objects.filter(calendar_token=token).first()
    if profile is None:
        return None
    return list(
        LearningPlan.objects.filter(owner_id=profile.user_id)
        .select_related("track")
        .prefetch_related("track__courses", "track__project_steps", "breaks")
        .order_by("start_date", "pk")
    )


def plan_week_schedule(*, plan: LearningPlan) -> list[WeekFocus]:
    """The plan week by week, from its track and its own pace (2 queries)."""
    track = plan.track
    courses = [(c.title, c.weeks_share) for c in track.courses.all()]
    steps = [s.title for s in track.project_steps.all()]
    ml_course = (
        (track.ml_course_title, track.ml_course_weeks)
        if plan.ml_course_first and track.ml_course_title
        else None
    )
    return plan_schedule(
        weeks=plan.weeks, courses=courses, project_steps=steps, ml_course=ml_course
    )


@dataclass(frozen=True)
class PlanProgress:
    plan: LearningPlan
    today: date
    # This week's place among the plan's weeks that are not breaks (the last one before it
    # during a break); 0 before the plan starts.
    week: int
    week_start: date
    total_weeks: int
    focus: WeekFocus | None
    schedule: list[WeekFocus]
    timeline: Timeline
    breaks: list[PlanBreak]
    streak: int
    skips_left: int
    papers_read: int
    papers_target: int
    papers_year_pace: int
    # The plan's own papers a week over a year, what its pace is measured against.
    papers_year_target: int
    this_week: WeeklyCheckin | None
    finished: bool
    # This week's break, when the learner is on one.
    on_break: PlanBreak | None
    # What each study day of this week is for (light or full).
    days: list[DaySuggestion]
    # Whether the target date is met, and the pace that meets it; None without a target.
    pace: Pace | None

    @property
    def logged(self) -> bool:
        """Whether this week has a study day or a paper logged."""
        return self.this_week is not None and self.this_week.counts_for_streak

    def plan_weeks(self) -> list[PlanWeek]:
        """The weeks of the plan itself: its first to its last course week, breaks included."""
        return [week for week in self.timeline.weeks if week.monday <= self.timeline.last_week]


def plan_breaks(*, plan: LearningPlan) -> list[PlanBreak]:
    """The plan's breaks, oldest first (prefetched ones when there are)."""
    if plan.pk is None:
        return []
    return sorted(plan.breaks.all(), key=lambda item: (item.start, item.pk))


def break_spans(breaks: Iterable[PlanBreak]) -> list[Break]:
    return [Break(item.start, item.end) for item in breaks]


def plan_progress(
    *,
    plan: LearningPlan,
    now: datetime | None = None,
    checkins: Sequence[WeeklyCheckin] | None = None,
    breaks: Sequence[PlanBreak] | None = None,
) -> PlanProgress:
    """Where the learner stands this week (in their zone) against the plan: the weeks as they
    turned out (``timeline``), the streak and skips, papers against target, this week's days
    and the pace a target date asks for.

    ``checkins`` and ``breaks`` stand in for the plan's own, for a plan that is not saved
    (a preview)."""
    now = now or timezone.now()
    this_monday = local_week_start(now, plan.timezone)
    today = timezone.localdate(now, timezone=ZoneInfo(plan.timezone))
    schedule = plan_week_schedule(plan=plan)
    checkins = list(plan.checkins.all() if checkins is None else checkins)
    breaks = list(plan_breaks(plan=plan) if breaks is None else breaks)
    spans = break_spans(breaks)
    timeline = plan_timeline(
        first_week=week_start(plan.start_date),
        schedule=schedule,
        current_week=this_monday,
        logged=[c.week_start for c in checkins if c.counts_for_streak],
        skipped=[c.week_start for c in checkins if c.skipped and not c.counts_for_streak],
        breaks=spans,
        budget=plan.skip_budget,
    )
    current = timeline.current
    week = timeline.weeks_counted if today >= plan.start_date else 0
    papers_read = sum(c.papers_read for c in checkins)
    focus = current.focus if current is not None and today >= plan.start_date else None
    return PlanProgress(
        plan=plan,
        today=today,
        week=week,
        week_start=this_monday,
        total_weeks=len(schedule),
        focus=focus,
        schedule=schedule,
        timeline=timeline,
        breaks=breaks,
        streak=timeline.streak,
        skips_left=timeline.skips_left,
        papers_read=papers_read,
        papers_target=(
            papers_due(
                weeks=timeline.weeks,
                through=this_monday,
                papers_per_week=plan.papers_per_week,
                carried=plan.papers_carried,
                carried_week=plan.papers_carried_week,
            )
            if week
            else 0
        ),
        papers_year_pace=papers_per_year_pace(papers_read=papers_read, weeks_elapsed=week),
        papers_year_target=papers_target(papers_per_week=plan.papers_per_week, weeks_elapsed=52),
        this_week=next((c for c in checkins if c.week_start == this_monday), None),
        finished=timeline.finished,
        on_break=(
            next((b for b in breaks if b.start <= this_monday <= b.end), None)
            if today >= plan.start_date
            else None
        ),
        # Nothing is asked of a week without a course week (a break, before or after the plan).
        days=(
            week_days(study_days=plan.study_days, light_days=plan.light_days, focus=focus)
            if focus is not None
            else []
        ),
        pace=_pace(plan, timeline, spans, papers_read) if plan.target_date else None,
    )


def _pace(plan: LearningPlan, timeline: Timeline, spans: list[Break], papers_read: int) -> Pace:
    track = plan.track
    fixed = track.ml_course_weeks if plan.ml_course_first and track.ml_course_title else 0
    courses = len(track.courses.all())
    return pace_toward(
        target=plan.target_date,
        timeline=timeline,
        breaks=spans,
        fixed_weeks=fixed,
        fastest_weeks=max(MIN_WEEKS, courses, -(-track.default_weeks // MAX_SPEEDUP)),
        slowest_weeks=MAX_WEEKS,
        papers_per_week=plan.papers_per_week,
        papers_read=papers_read,
        max_papers_per_week=model_limits(LearningPlan, "papers_per_week")[1],
        papers_carried=plan.papers_carried,
        carried_week=plan.papers_carried_week,
    )


def deliveries_for_sending(*, delivery_ids: Iterable[int], claim: str) -> list[NudgeDelivery]:
    """The deliveries of ``delivery_ids`` that the send run ``claim`` holds, with everything
    their emails need, in a fixed number of queries for any number of them: plan, learner and
    track (1), courses, project steps, check-ins, breaks and the learners' verified addresses
    (5)."""
    return list(
        NudgeDelivery.objects.filter(
            pk__in=list(delivery_ids), status=NudgeDelivery.Status.PENDING, claim=claim
        )
        .select_related("plan__owner", "plan__track")
        .prefetch_related(
            "plan__track__courses",
            "plan__track__project_steps",
            "plan__checkins",
            "plan__breaks",
        )
        .prefetch_related(verified_emails_prefetch("plan__owner"))
        .order_by("pk")
    )


def tips_for_track(*, track_id: int) -> list[Tip]:
    """Published tips of a track and the general ones, in editorial order."""
    return list(
        Tip.objects.published().filter(Q(track=track_id) | Q(track=None)).order_by("position", "pk")
    )


def tips_last_sent(*, owner_ids: Iterable[int]) -> dict[int, dict[int, date]]:
    """For each learner, the week each tip was last sent to them (one query for many)."""
    rows = (
        NudgeDelivery.objects.filter(plan__owner_id__in=list(owner_ids), tip__isnull=False)
        .values("plan__owner_id", "tip")
        .annotate(last=Max("week_start"))
        .values_list("plan__owner_id", "tip", "last")
    )
    sent: dict[int, dict[int, date]] = {}
    for owner_id, tip_id, last in rows:
        sent.setdefault(owner_id, {})[tip_id] = last
    return sent


def tip_choose(*, tips: Sequence[Tip], last_sent: dict[int, date]) -> Tip | None:
    """A tip not sent before (until all are used); then the one sent longest ago."""
    unsent = [tip for tip in tips if tip.pk not in last_sent]
    if unsent:
        return unsent[0]
    return min(tips, key=lambda tip: last_sent[tip.pk]) if tips else None


def advice_for_nudges() -> list[AdviceItem]:
    """Published advice in editorial order: the rotation weekly emails go through (1 query)."""
    return list(AdviceItem.objects.published().order_by("position", "pk"))


def advice_of_the_week(
    *, items: Sequence[AdviceItem], plan: LearningPlan, week: date
) -> AdviceItem | None:
    """The item for this week of the plan: its week number picks it, so a resend of the same
    week shows the same advice and each new week the next one."""
    if not items:
        return None
    index = (week_start(week) - week_start(plan.start_date)).days // 7
    return items[index % len(items)]


def plan_for_link(*, plan_id: int) -> LearningPlan | None:
    """The plan a signed email link names (the signature, not a session, authorises it)."""
    return LearningPlan.objects.select_related("track").filter(pk=plan_id).first()


def checkin_for_week(*, plan: LearningPlan, week: date) -> WeeklyCheckin | None:
    return (
        WeeklyCheckin.objects.filter(plan=plan, week_start=week).prefetch_related("papers").first()
    )


# The tips the plan page shows beside the schedule, by their seed keys, with the title of
# their card; when an editor unpublishes or renames one, the page falls back to its own text.
PLAN_PAGE_TIPS = {
    "financial_aid": "If the fee is a hardship",
    "handwritten_notes": "Take notes by hand",
}


def plan_tips(*, plan: LearningPlan, keys: Iterable[str]) -> dict[str, Tip]:
    """Published tips of the plan's track, by key."""
    tips = Tip.objects.published().filter(track=plan.track_id, key__in=list(keys))
    return {tip.key: tip for tip in tips}
