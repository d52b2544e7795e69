"""Objects with every field filled, optional ones included, for round-trip tests: what a
form or the API shows of them must save back unchanged. They need the seeds loaded."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import models
from django.utils import timezone

from careers.comparisons.checkin_questions import QUESTIONS
from careers.comparisons.checkins import checkin_answers_save
from careers.comparisons.decision_models import (
    CHECKIN_MONTHS,
    Decision,
    DecisionCheckin,
    Rater,
)
from careers.comparisons.decisions import decision_save, decision_start
from careers.comparisons.models import Answer, Comparison, Option
from careers.comparisons.raters import (
    rater_answers_save,
    rater_count_set,
    rater_invite,
    rater_questions,
)
from careers.comparisons.services import weights_set
from careers.content.models import Criterion, LearningTrack
from careers.plans.models import LearningPlan, WeeklyCheckin
from careers.plans.schedule import week_start
from tests.factories import (
    ComparisonFactory,
    LearningPlanFactory,
    OptionFactory,
    WeeklyCheckinFactory,
)

ANSWERS = {"yes_no": "no", "scale": "4", "count": "3"}


def stored(queryset: models.QuerySet) -> list[dict]:
    """Every stored column of the rows, except the ones Django stamps on each save."""
    return [
        {
            field.attname: getattr(row, field.attname)
            for field in row._meta.concrete_fields
            if not getattr(field, "auto_now", False)
        }
        for row in queryset.order_by("pk")
    ]


def filled_comparison(user) -> Comparison:
    return ComparisonFactory(
        owner=user,
        notes="Ask about visas.",
        decision_deadline=date(2027, 1, 15),
        currency="EUR",
    )


def filled_option(user) -> Option:
    return OptionFactory(
        comparison=filled_comparison(user),
        path_slug="industry-team",
        team="Search ranking",
        location="Zürich",
        manager_name="R. Chen",
        base_salary=Decimal("185000.50"),
        bonus=Decimal("20000"),
        equity_per_year=Decimal("45000.25"),
        stipend=Decimal("1200"),
        currency="CHF",
        offer_deadline=date(2027, 1, 31),
        notes="Relocation offered.",
        # Every part of a listed company's pay (a grant given per year, as equity_per_year).
        raise_low_percent=Decimal("1.5"),
        raise_percent=Decimal("3"),
        raise_high_percent=Decimal("6.25"),
        signon_bonus=Decimal("15000"),
        signon_repay_months=12,
        bonus_low=Decimal("5000"),
        bonus_high=Decimal("30000.75"),
        vesting="custom",
        vesting_custom=[10, 20, 30.5, 39.5],
        cliff_months=6,
        refresher_low=Decimal("5000"),
        refresher=Decimal("10000"),
        refresher_high=Decimal("20000"),
        stipend_years=2,
        program_years=5,
        tuition_covered=False,
        tuition_per_year=Decimal("800"),
        one_off_amounts=Decimal("7500"),
        yearly_benefits=Decimal("2400"),
        monthly_living_cost=Decimal("3100.40"),
    )


def filled_private_option(user) -> Option:
    """A startup's offer: options in a private company and a bonus as a share of base, the
    parts of pay ``filled_option`` cannot have beside its listed company's grant."""
    return OptionFactory(
        comparison=filled_comparison(user),
        path_slug="startup",
        team="Founding team",
        location="Berlin",
        manager_name="A. Founder",
        base_salary=Decimal("90000"),
        bonus_percent=Decimal("7.5"),
        bonus_low=Decimal("0"),
        bonus_high=Decimal("15"),
        currency="EUR",
        private_shares=40_000,
        private_strike_price=Decimal("0.4500"),
        private_share_price=Decimal("2.1234"),
        private_exercise_days=90,
        private_worth_low_percent=Decimal("0"),
        private_worth_percent=Decimal("20"),
        private_worth_high_percent=Decimal("100"),
        vesting="back_loaded",
        cliff_months=12,
        monthly_living_cost=Decimal("2200"),
        notes="Seed round closed in October.",
    )


def filled_answers(user) -> Option:
    """An option with every question of its path answered, with provenance."""
    option = filled_option(user)
    answered = Criterion.objects.published().exclude(answer_type=Criterion.AnswerType.COMPUTED)
    for criterion in answered.filter(paths=option.path):
        Answer.objects.create(
            option=option,
            criterion=criterion,
            value=ANSWERS[criterion.answer_type],
            note=f"About {criterion.key}.",
            source="The recruiter",
            told_on=date(2026, 11, 20),
            confirmed_in_writing=True,
        )
    assert option.answers.count() >= 5
    return option


def filled_weights(user) -> Comparison:
    """A comparison with a weight of its own on every question of its option's path, set as
    the weights page sets them (an override only where it differs from the default)."""
    option = filled_option(user)
    weights_set(
        comparison=option.comparison,
        weights={
            criterion.key: (criterion.default_weight + 7) % 101
            for criterion in Criterion.objects.published().filter(paths=option.path)
        },
    )
    assert option.comparison.weight_overrides.count() >= 5
    return option.comparison


def filled_plan(user) -> LearningPlan:
    """A plan with every setting away from its default: light days (some of the study days),
    its own skips, a target date and a second reminder after the weekly email."""
    return LearningPlanFactory(
        owner=user,
        track=LearningTrack.objects.published().first(),
        start_date=timezone.localdate() - timedelta(days=15),
        weeks=20,
        study_days=[1, 3, 6],
        light_days=[3],
        papers_per_week=3,
        skip_budget=3,
        target_date=timezone.localdate() + timedelta(weeks=26),
        nudge_weekday=2,
        nudge_hour=19,
        reminder_weekday=4,
        timezone="America/Denver",
        nudges_enabled=True,
    )


def filled_checkin(user) -> WeeklyCheckin:
    plan = filled_plan(user)
    return WeeklyCheckinFactory(
        plan=plan,
        week_start=week_start(plan.start_date),
        study_days_done=2,
        papers_read=2,
        project_step=plan.track.project_steps.first(),
        project_progress=40,
        handwritten_notes=True,
        papers=[
            {"title": "Attention is all you need", "takeaway": "Self-attention replaces RNNs."},
            {"title": "Batch norm", "takeaway": ""},
        ],
    )


def _decided_comparison(user) -> Comparison:
    """Two offers, the first with answers left unknown, so the decision has unknowns to
    accept."""
    comparison = filled_comparison(user)
    OptionFactory(comparison=comparison, organisation="Alpha Labs", team="Vision")
    OptionFactory(comparison=comparison, path_slug="startup", organisation="Beta")
    return comparison


def filled_decision(user) -> Decision:
    """A decision with every field given, two accepted unknowns and its check-ins
    scheduled, not yet sent (so it can still be edited)."""
    comparison = _decided_comparison(user)
    chosen = comparison.options.get(organisation="Alpha Labs")
    start = decision_start(comparison=comparison)
    unknowns = next(option["unknowns"] for option in start.options if option["id"] == chosen.pk)
    assert len(unknowns) >= 2
    decision = decision_save(
        comparison=comparison,
        chosen_option=chosen.pk,
        decided_on=timezone.localdate() - timedelta(days=3),
        start_date=timezone.localdate() + timedelta(days=40),
        confidence=65,
        expectations="A manager who reviews my code every week.",
        change_my_mind="Hearing that the team is being split up.",
        premortem="The project is cancelled and the team scattered.",
        backup_plan="Ask Beta whether the offer still stands.",
        accepted_unknowns=unknowns[:2],
        checkin_weekday=3,
        checkin_hour=18,
    )
    assert decision.checkins.count() == len(CHECKIN_MONTHS)
    return decision


def filled_checkin_answers(user) -> DecisionCheckin:
    """The 1-month check-in of a decision, gone out and answered in full."""
    decision = filled_decision(user)
    checkin = decision.checkins.get(months=1)
    DecisionCheckin.objects.filter(pk=checkin.pk).update(
        status=DecisionCheckin.Status.SENT, enqueued_at=timezone.now(), sent_at=timezone.now()
    )
    checkin.refresh_from_db()
    return checkin_answers_save(
        checkin=checkin,
        answers={question.field: question.choices[-1].value for question in QUESTIONS},
        note="The team is the one I was told about; the manager is away a lot.",
    )


def filled_rater(user) -> Rater:
    """A counted rater who answered every people question of both options."""
    comparison = _decided_comparison(user)
    rater = rater_invite(comparison=comparison, name="Sam, my mentor")
    items = [
        {
            "option": item.option.pk,
            "criterion": criterion.key,
            "value": ANSWERS[criterion.answer_type],
        }
        for item in rater_questions(rater=rater)
        for criterion in item.criteria
    ]
    assert len(items) >= 4
    rater_answers_save(rater=rater, answers=items)
    return rater_count_set(rater=rater, counts_in_score=True)
