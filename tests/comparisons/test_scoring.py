"""The scoring module is a pure function of plain data: tables in, numbers out, no database."""

import pytest

from careers.comparisons.scoring import (
    SCORING_VERSION,
    CriterionSpec,
    OptionInput,
    RuleSpec,
    answer_fraction,
    comparison_score,
    option_score,
    weight_shares,
)


def criterion(
    key: str,
    *,
    weight: int = 10,
    category: str = "people",
    answer_type: str = "yes_no",
    count_target: int | None = None,
    question_to_ask: str | None = None,
    position: int = 0,
    ask_whom: str = "",
) -> CriterionSpec:
    return CriterionSpec(
        key=key,
        question=f"Question about {key}?",
        category=category,
        answer_type=answer_type,
        weight=weight,
        question_to_ask=f"Ask about {key}" if question_to_ask is None else question_to_ask,
        count_target=count_target,
        position=position,
        ask_whom=ask_whom,
    )


def option(criteria, answers, *, id: int = 1) -> OptionInput:
    return OptionInput(id=id, label=f"Option {id}", criteria=criteria, answers=answers)


def rule(criterion_key: str, operator: str, value: str = "", *, key: str = "flag") -> RuleSpec:
    return RuleSpec(
        key=key,
        title=f"Flag on {criterion_key}",
        criterion=criterion_key,
        operator=operator,
        value=value,
        explanation="Why it matters.",
        citation={"source": "interview", "span": "24:31-24:46", "url": "", "licence": "cc"},
    )


SCALE = criterion("scale", answer_type="scale")
YES_NO = criterion("yes_no", answer_type="yes_no")
PEERS = criterion("peers", answer_type="count", count_target=5)
NO_TARGET = criterion("no_target", answer_type="count")


@pytest.mark.parametrize(
    ("spec", "value", "fraction"),
    [
        (SCALE, 1, 0.0),
        (SCALE, 2, 0.25),
        (SCALE, 3, 0.5),
        (SCALE, 4, 0.75),
        (SCALE, 5, 1.0),
        (YES_NO, "yes", 1.0),
        (YES_NO, "no", 0.0),
        (PEERS, 0, 0.0),
        (PEERS, 2, 0.4),
        (PEERS, 4, 0.8),
        (PEERS, 5, 1.0),
        (PEERS, 12, 1.0),  # capped at the target
        (NO_TARGET, 3, 1.0),  # a count without a target is met by one
        (SCALE, "unknown", None),
        (YES_NO, "unknown", None),
        (PEERS, "unknown", None),
    ],
)
def test_it_turns_each_answer_type_into_a_fraction_of_the_weight(spec, value, fraction):
    assert answer_fraction(spec, value) == fraction


def test_it_gives_a_fully_answered_option_a_point_score_and_full_confidence():
    criteria = [
        criterion("a", weight=30, answer_type="scale"),
        criterion("b", weight=20),
        criterion("c", weight=50, answer_type="count", count_target=5),
    ]
    score = option_score(option(criteria, {"a": 3, "b": "yes", "c": 1}), [])
    # 30 * 0.5 + 20 * 1 + 50 * 0.2 = 45 out of 100
    assert score.score == score.score_min == score.score_max == 45.0
    assert score.confidence == 1
    assert score.questions_to_ask == []
    assert score.unknown_swings == {}


@pytest.mark.parametrize("answers", [{}, {"a": "unknown", "b": "unknown", "c": "unknown"}])
def test_it_spans_the_whole_range_when_everything_is_unknown(answers):
    criteria = [
        criterion("a", weight=30, answer_type="scale"),
        criterion("b", weight=20),
        criterion("c", weight=50, answer_type="count", count_target=5),
    ]
    score = option_score(option(criteria, answers), [])
    assert (score.score_min, score.score, score.score_max) == (0.0, 50.0, 100.0)
    assert score.confidence == 0
    assert {q.criterion for q in score.questions_to_ask} == {"a", "b", "c"}


@pytest.mark.parametrize(
    ("unknown_key", "share"),
    [("a", 10.0), ("b", 30.0), ("c", 60.0)],
)
def test_it_widens_the_range_by_exactly_the_weight_share_of_one_unknown(unknown_key, share):
    criteria = [
        criterion("a", weight=10),
        criterion("b", weight=30),
        criterion("c", weight=60),
    ]
    answers = {"a": "yes", "b": "no", "c": "yes", unknown_key: "unknown"}
    score = option_score(option(criteria, answers), [])
    assert score.score_max - score.score_min == pytest.approx(share)
    assert score.score == pytest.approx((score.score_min + score.score_max) / 2)
    assert score.confidence == pytest.approx(1 - share / 100)
    assert score.unknown_swings == {unknown_key: share / 2}


def test_it_ignores_criteria_of_weight_zero():
    weighted = [criterion("a", weight=40), criterion("b", weight=60, answer_type="scale")]
    answers = {"a": "yes", "b": 3}
    without = option_score(option(weighted, answers), [])
    with_zero = option_score(
        option(
            [*weighted, criterion("zero_no", weight=0), criterion("zero_unknown", weight=0)],
            {**answers, "zero_no": "no"},
        ),
        [],
    )
    assert (with_zero.score, with_zero.score_min, with_zero.score_max) == (70.0, 70.0, 70.0)
    assert (with_zero.score, with_zero.confidence) == (without.score, without.confidence)
    assert with_zero.questions_to_ask == []
    assert with_zero.unknown_swings == {}


def test_it_computes_the_people_sub_score_over_people_criteria_only():
    criteria = [
        criterion("manager", weight=10, category="people"),
        criterion("peers", weight=10, category="people", answer_type="scale"),
        criterion("brand", weight=80, category="practical", answer_type="scale"),
    ]
    score = option_score(option(criteria, {"manager": "yes", "peers": "unknown", "brand": 1}), [])
    # People: 10 earned + 10 unknown out of 20; overall the brand weight pulls it down.
    assert (score.people_score_min, score.people_score, score.people_score_max) == (
        50.0,
        75.0,
        100.0,
    )
    assert score.score == 15.0


def test_it_has_no_people_sub_score_without_people_criteria():
    criteria = [criterion("brand", category="practical", answer_type="scale")]
    score = option_score(option(criteria, {"brand": 5}), [])
    assert score.score == 100.0
    assert score.people_score is None
    assert score.people_score_min is None
    assert score.people_score_max is None


@pytest.mark.parametrize(
    ("spec", "operator", "rule_value", "answer", "fires"),
    [
        (YES_NO, "equals", "no", "no", True),
        (YES_NO, "equals", "no", "yes", False),
        (YES_NO, "equals", "no", "unknown", False),
        (YES_NO, "equals", "yes", "yes", True),
        (YES_NO, "equals", "yes", "no", False),
        (SCALE, "at_most", "2", 1, True),
        (SCALE, "at_most", "2", 2, True),
        (SCALE, "at_most", "2", 3, False),
        (SCALE, "at_most", "2", "unknown", False),
        (PEERS, "at_most", "0", 0, True),
        (PEERS, "at_most", "0", 1, False),
        (SCALE, "at_least", "4", 4, True),
        (SCALE, "at_least", "4", 5, True),
        (SCALE, "at_least", "4", 3, False),
        (SCALE, "at_least", "4", "unknown", False),
        (SCALE, "unknown", "", "unknown", True),
        (SCALE, "unknown", "", 3, False),
        (YES_NO, "unknown", "", "no", False),
        (YES_NO, "unknown", "", None, True),  # no answer at all counts as unknown
    ],
)
def test_it_raises_red_flags_by_operator(spec, operator, rule_value, answer, fires):
    answers = {} if answer is None else {spec.key: answer}
    flag_rule = rule(spec.key, operator, rule_value, key="the_flag")
    score = option_score(option([spec], answers), [flag_rule])
    assert [flag.key for flag in score.red_flags] == (["the_flag"] if fires else [])
    if fires:
        flag = score.red_flags[0]
        assert flag.criterion == spec.key
        assert flag.explanation == "Why it matters."
        assert flag.citation["span"] == "24:31-24:46"


@pytest.mark.parametrize(
    ("operator", "rule_value", "answer"),
    [("equals", "no", "no"), ("unknown", "", "unknown"), ("at_most", "2", 1)],
)
def test_it_never_fires_a_rule_on_a_criterion_the_option_is_not_asked(operator, rule_value, answer):
    # team_disclosed is not asked of a PhD option, even if a stray answer exists.
    asked = [criterion("phd_advisor_met")]
    score = option_score(
        option(asked, {"phd_advisor_met": "yes", "team_disclosed": answer}),
        [rule("team_disclosed", operator, rule_value)],
    )
    assert score.red_flags == []


def test_it_lists_serious_flags_before_cautions():
    spec = criterion("a")
    caution = RuleSpec("a_caution", "Caution", "a", "equals", "no", "", severity="caution")
    serious = RuleSpec("z_serious", "Serious", "a", "equals", "no", "", severity="serious")
    score = option_score(option([spec], {"a": "no"}), [caution, serious])
    assert [flag.key for flag in score.red_flags] == ["z_serious", "a_caution"]


def test_it_asks_people_questions_first_then_by_weight():
    criteria = [
        criterion("work_big", weight=50, category="work", answer_type="scale"),
        criterion("people_light", weight=5, category="people"),
        criterion("growth_mid", weight=20, category="growth"),
        criterion("people_heavy", weight=9, category="people"),
        criterion("practical_small", weight=3, category="practical"),
        criterion("answered", weight=99, category="people"),
        criterion("weightless", weight=0, category="people"),
        criterion("no_curated_question", weight=1, category="work", question_to_ask=""),
    ]
    score = option_score(option(criteria, {"answered": "yes"}), [])
    assert [q.criterion for q in score.questions_to_ask] == [
        "people_heavy",
        "people_light",
        "work_big",
        "growth_mid",
        "practical_small",
        "no_curated_question",
    ]
    assert score.questions_to_ask[0].question == "Ask about people_heavy"
    # Without a curated question, the criterion's own question is asked.
    assert score.questions_to_ask[-1].question == "Question about no_curated_question?"


CRITERIA = [
    criterion("manager", weight=40),
    criterion("peers", weight=40, answer_type="scale"),
    criterion("brand", weight=20, category="practical", answer_type="scale"),
]


def test_it_ranks_options_best_first():
    options = [
        option(CRITERIA, {"manager": "no", "peers": 1, "brand": 5}, id=1),  # 20
        option(CRITERIA, {"manager": "yes", "peers": 5, "brand": 1}, id=2),  # 80
        option(CRITERIA, {"manager": "yes", "peers": 3, "brand": 3}, id=3),  # 70
    ]
    result = comparison_score(options, [])
    assert result.ranking == [2, 3, 1]
    assert [o.id for o in result.options] == [1, 2, 3], "options keep their input order"
    assert result.scoring_version == SCORING_VERSION
    assert result.flip_analysis.leader == 2
    assert result.flip_analysis.runner_up == 3


def test_it_breaks_a_tie_by_the_better_worst_case():
    certain = option(CRITERIA, {"manager": "yes", "peers": 3, "brand": 1}, id=1)  # 60..60
    unsure = option(CRITERIA, {"manager": "unknown", "peers": 5, "brand": 1}, id=2)  # 40..80
    assert option_score(certain, []).score == option_score(unsure, []).score == 60.0
    assert comparison_score([unsure, certain], []).ranking == [1, 2]
    assert comparison_score([certain, unsure], []).ranking == [1, 2]


def test_it_breaks_a_full_tie_by_id():
    answers = {"manager": "yes", "peers": 3, "brand": 1}
    options = [option(CRITERIA, answers, id=7), option(CRITERIA, answers, id=3)]
    assert comparison_score(options, []).ranking == [3, 7]


def test_it_has_no_flip_analysis_for_a_single_option():
    result = comparison_score([option(CRITERIA, {})], [])
    assert result.ranking == [1]
    assert result.could_flip is False
    assert result.flip_analysis is None


def test_it_says_the_top_two_cannot_flip_when_the_ranges_do_not_overlap():
    leader = option(CRITERIA, {"manager": "yes", "peers": 5, "brand": "unknown"}, id=1)  # 80..100
    runner_up = option(CRITERIA, {"manager": "no", "peers": 3, "brand": "unknown"}, id=2)  # 20..40
    result = comparison_score([leader, runner_up], [])
    assert result.ranking == [1, 2]
    assert result.could_flip is False
    assert result.flip_analysis.could_flip is False
    assert result.flip_analysis.gap == 60.0
    assert result.flip_analysis.decisive_unknowns == []


def test_it_says_the_top_two_could_flip_and_which_unknowns_close_the_gap():
    criteria = [
        criterion("manager", weight=30),
        criterion("peers", weight=30),
        criterion("work", weight=20, category="work"),
        criterion("brand", weight=10, category="practical"),
        criterion("pay", weight=10, category="practical"),
    ]
    # Leader: 30 + 20 earned, peers (30) and pay (10) unknown -> 70 in [50, 90].
    leader = option(criteria, {"manager": "yes", "work": "yes", "brand": "no"}, id=1)
    # Runner-up: 30 earned, manager (30) unknown -> 45 in [30, 60].
    runner_up = option(
        criteria,
        {"manager": "unknown", "peers": "yes", "work": "no", "brand": "no", "pay": "no"},
        id=2,
    )
    result = comparison_score([runner_up, leader], [])
    analysis = result.flip_analysis
    assert result.ranking == [1, 2]
    assert result.could_flip is True
    assert analysis.gap == 25.0
    swings = [u.swing for u in analysis.decisive_unknowns]
    assert sum(swings) > analysis.gap, "the decisive unknowns close the gap"
    assert sum(swings[:-1]) <= analysis.gap, "and no more of them than it takes"
    assert swings == sorted(swings, reverse=True), "biggest first"
    assert [(u.option, u.criterion) for u in analysis.decisive_unknowns] == [
        (1, "peers"),
        (2, "manager"),
    ]
    assert analysis.decisive_unknowns[0].question == "Ask about peers"


def test_it_sums_weight_shares_by_category():
    shares = weight_shares(
        [
            criterion("a", weight=30, category="people"),
            criterion("b", weight=20, category="people"),
            criterion("c", weight=25, category="work"),
            criterion("d", weight=25, category="practical"),
        ]
    )
    assert shares == {"people": 0.5, "work": 0.25, "growth": 0.0, "practical": 0.25}
    assert sum(shares.values()) == pytest.approx(1)


def test_it_gives_zero_shares_when_nothing_weighs():
    assert weight_shares([criterion("a", weight=0)]) == {
        "people": 0.0,
        "work": 0.0,
        "growth": 0.0,
        "practical": 0.0,
    }
    assert weight_shares([]) == dict.fromkeys(("people", "work", "growth", "practical"), 0.0)


# --- Questions raised by red flags --------------------------------------------------------

CHECKLIST = [
    criterion("manager_met", weight=9, category="people", ask_whom="recruiter"),
    criterion("team", weight=10, category="people", ask_whom="recruiter"),
    criterion("peers", weight=12, category="people", answer_type="scale", ask_whom="manager"),
    criterion("work", weight=20, category="work", answer_type="scale", ask_whom="manager"),
    criterion("goal", weight=8, category="practical"),
    criterion("pay", weight=0, category="practical", answer_type="scale"),
]
MANAGER_NOT_MET = RuleSpec("manager_not_met", "", "manager_met", "equals", "no", "", "caution")
TEAM_UNDECIDED = RuleSpec("team_undecided", "", "team", "equals", "no", "", "serious")
PEERS_UNKNOWN = RuleSpec("peers_unknown", "", "peers", "unknown", "", "", "caution")
DULL_WORK = RuleSpec("dull_work", "", "work", "at_most", "2", "", "caution")
GOAL_MISSED = RuleSpec("goal_missed", "", "goal", "equals", "no", "", "serious")
LOW_PAY = RuleSpec("low_pay", "", "pay", "at_most", "2", "", "serious")
CHECKLIST_RULES = [MANAGER_NOT_MET, TEAM_UNDECIDED, PEERS_UNKNOWN, DULL_WORK, GOAL_MISSED, LOW_PAY]
RED, UNK = "red_flag", "unknown"


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        pytest.param(
            {},
            # Nothing answered: only the "unknown" rule fires; the rest are plain unknowns.
            [
                ("peers", RED, "peers_unknown"),
                ("team", UNK, None),
                ("manager_met", UNK, None),
                ("work", UNK, None),
                ("goal", UNK, None),
            ],
            id="all unknown",
        ),
        pytest.param(
            {"manager_met": "no", "team": "no", "peers": 4, "work": 3, "goal": "yes", "pay": 3},
            # Serious before caution, whatever the category.
            [("team", RED, "team_undecided"), ("manager_met", RED, "manager_not_met")],
            id="two people flags",
        ),
        pytest.param(
            {"manager_met": "no", "goal": "no", "peers": 4},
            # Red flags first (serious, then people first), then the unknowns, people first.
            [
                ("goal", RED, "goal_missed"),
                ("manager_met", RED, "manager_not_met"),
                ("team", UNK, None),
                ("work", UNK, None),
            ],
            id="flags before unknowns",
        ),
        pytest.param(
            {"manager_met": "yes", "team": "yes", "peers": 4, "work": 1, "goal": "yes", "pay": 1},
            # A criterion of weight 0 that raised a flag still asks its question.
            [("pay", RED, "low_pay"), ("work", RED, "dull_work")],
            id="flag on a weightless criterion",
        ),
        pytest.param(
            {"manager_met": "yes", "team": "yes", "peers": 4, "work": 3, "goal": "yes"},
            [],
            id="nothing to ask",
        ),
    ],
)
def test_it_asks_red_flagged_answers_first_then_the_unknowns(answers, expected):
    score = option_score(option(CHECKLIST, answers), CHECKLIST_RULES)
    assert [(q.criterion, q.reason, q.red_flag) for q in score.questions_to_ask] == expected
    assert {q.red_flag for q in score.questions_to_ask if q.red_flag} <= {
        f.key for f in score.red_flags
    }
    assert [q.resolve_before_signing for q in score.questions_to_ask] == [
        reason == RED for _, reason, _ in expected
    ]


def test_it_asks_a_criterion_once_with_the_most_serious_of_its_flags():
    spec = criterion("team", ask_whom="recruiter")
    caution = RuleSpec("a_caution", "", "team", "equals", "no", "", severity="caution")
    serious = RuleSpec("z_serious", "", "team", "equals", "no", "", severity="serious")
    score = option_score(option([spec], {"team": "no"}), [caution, serious])
    assert len(score.red_flags) == 2
    (question,) = score.questions_to_ask
    assert (question.reason, question.red_flag) == ("red_flag", "z_serious")
    assert question.question == "Ask about team"
    assert question.ask_whom == "recruiter"


def test_it_keeps_the_unknowns_swing_when_its_question_is_a_red_flag():
    score = option_score(option(CHECKLIST, {"manager_met": "yes", "team": "yes"}), [PEERS_UNKNOWN])
    assert score.questions_to_ask[0].criterion == "peers"
    assert score.questions_to_ask[0].reason == "red_flag"
    # peers (12), work (20) and goal (8) unknown, out of 59: each swings half its share.
    assert score.unknown_swings == {"peers": 10.2, "work": 16.9, "goal": 6.8}


def test_it_stores_the_reason_and_whom_to_ask_in_the_result_data():
    result = comparison_score([option(CHECKLIST, {"team": "no"})], CHECKLIST_RULES).as_dict()
    first = result["options"][0]["questions_to_ask"][0]
    assert first == {
        "criterion": "team",
        "category": "people",
        "question": "Ask about team",
        "weight": 10,
        "reason": "red_flag",
        "red_flag": "team_undecided",
        "ask_whom": "recruiter",
    }
    assert result["scoring_version"] == SCORING_VERSION != "1"


# --- Every unknown that moves the gap -----------------------------------------------------

FLIP_CRITERIA = [
    criterion("manager", weight=30, ask_whom="recruiter"),
    criterion("peers", weight=30, ask_whom="manager"),
    criterion("work", weight=20, category="work", ask_whom="manager"),
    criterion("brand", weight=10, category="practical"),
    criterion("pay", weight=10, category="practical", ask_whom="recruiter"),
]


@pytest.mark.parametrize(
    ("leader_answers", "runner_up_answers", "ranked", "decisive"),
    [
        pytest.param(
            # Leader 70 in [50, 90]; runner-up 45 in [30, 60]: the gap of 25 can close.
            {"manager": "yes", "work": "yes", "brand": "no"},
            {"manager": "unknown", "peers": "yes", "work": "no", "brand": "no", "pay": "no"},
            [
                (1, "peers", 15.0, "manager"),
                (2, "manager", 15.0, "recruiter"),
                (1, "pay", 5.0, "recruiter"),
            ],
            2,
            id="could flip: all ranked, the first two close the gap",
        ),
        pytest.param(
            # Leader 85 in [80, 90]; runner-up 25 in [20, 30]: nothing can close 60 points.
            {"manager": "yes", "peers": "yes", "work": "yes", "brand": "unknown", "pay": "no"},
            {"manager": "no", "peers": "no", "work": "yes", "brand": "no", "pay": "unknown"},
            [(1, "brand", 5.0, ""), (2, "pay", 5.0, "recruiter")],
            0,
            id="cannot flip: still ranked, none decisive",
        ),
        pytest.param(
            # Leader 65 in [30, 100], runner-up 55 in [50, 60]: the leader's four unknowns
            # and the runner-up's one; the biggest alone closes the gap of 10.
            {"manager": "yes", "peers": "unknown", "work": "unknown", "brand": "unknown"},
            {"manager": "yes", "peers": "no", "work": "yes", "brand": "unknown", "pay": "no"},
            [
                (1, "peers", 15.0, "manager"),
                (1, "work", 10.0, "manager"),
                (1, "brand", 5.0, ""),
                (1, "pay", 5.0, "recruiter"),
                (2, "brand", 5.0, ""),
            ],
            1,
            id="ties go to the leader first, then by criterion",
        ),
        pytest.param(
            {"manager": "yes", "peers": "yes", "work": "yes", "brand": "yes", "pay": "yes"},
            {"manager": "yes", "peers": "yes", "work": "yes", "brand": "no", "pay": "no"},
            [],
            0,
            id="nothing unknown",
        ),
    ],
)
def test_it_ranks_every_unknown_of_the_top_two_by_how_far_it_moves_the_gap(
    leader_answers, runner_up_answers, ranked, decisive
):
    leader = option(FLIP_CRITERIA, leader_answers, id=1)
    runner_up = option(FLIP_CRITERIA, runner_up_answers, id=2)
    # A third option's unknowns cannot move the gap between the top two.
    third = option(FLIP_CRITERIA, {"manager": "no", "peers": "no"}, id=3)
    analysis = comparison_score([third, runner_up, leader], []).flip_analysis
    assert (analysis.leader, analysis.runner_up) == (1, 2)
    got = [(u.option, u.criterion, u.swing, u.ask_whom) for u in analysis.ranked_unknowns]
    assert got == ranked
    assert analysis.decisive_unknowns == analysis.ranked_unknowns[:decisive]
    assert all(u.question == f"Ask about {u.criterion}" for u in analysis.ranked_unknowns)
