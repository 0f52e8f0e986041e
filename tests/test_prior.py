"""Prior knowledge: learn --with-prereqs, the spread of its first reviews, reset --with-dependents."""

from __future__ import annotations

import json
import math
from collections import Counter
from datetime import timedelta

import networkx as nx
import pytest

from roadmap import review, transfer
from roadmap.actions.skills import learn_prior, prior_preview, reset_preview, reset_with_dependents
from roadmap.curriculum.loader import bundled_path
from roadmap.models import ReviewCard, ReviewLog
from roadmap.progress import PRIOR_FIRST_DAY, load_statuses, prior_schedule
from roadmap.review.scheduling import first_exposure, prior_exposure
from roadmap.settings import Settings
from roadmap.status import Status
from roadmap.workspace import Workspace

from conftest import NOW

S = Settings(timezone="UTC")


@pytest.fixture
def bws(tmp_path):
    w = Workspace(tmp_path / "b.db", bundled_path())
    yield w
    w.close()


def test_with_prereqs_marks_the_skill_and_every_unlearned_prerequisite(bws):
    cur = bws.curriculum
    want = nx.ancestors(cur.graph, "pytorch") | {"pytorch"}
    assert set(prior_preview(bws, ["pytorch"])) == want
    changes = learn_prior(bws, ["pytorch"], now=NOW)
    assert {c.skill_id for c in changes} == want and all(c.prior and c.first_review for c in changes)
    order = [c.skill_id for c in changes]
    for i, sid in enumerate(order):  # most fundamental first
        assert not (nx.ancestors(cur.graph, sid) & set(order[i + 1:]))
    with bws.read() as s:
        statuses = load_statuses(s, cur)
        kinds = {k for (k,) in [(r.kind,) for r in s.exec(__import__("sqlmodel").select(ReviewLog)).all()]}
        assert review.prior_skill_ids(s) == want
    assert all(statuses[sid] == Status.LEARNED for sid in want)
    assert kinds == {"prior"}
    # again: nothing left to mark, the skill is reported as already learned
    again = learn_prior(bws, ["pytorch"], now=NOW + timedelta(minutes=1))
    assert [(c.skill_id, c.changed) for c in again] == [("pytorch", False)]


def test_thirty_known_skills_are_spread_over_weeks_a_few_a_day(bws):
    """30 known skills (with their ~90 checks) over 3 weeks: no day gets more than its fair share."""
    cur = bws.curriculum
    order = list(nx.topological_sort(cur.graph))[:30]
    learn_prior(bws, order, now=NOW)
    today = S.calendar.study_day(NOW)
    with bws.read() as s:
        from sqlmodel import select
        rows = s.exec(select(ReviewCard)).all()
    days = [S.calendar.study_day(r.due) for r in rows]
    per_day = Counter(days)
    fair = math.ceil(len(rows) / 21)
    assert max(per_day.values()) <= fair <= 6
    first_by_skill = {}
    for r in rows:
        d = S.calendar.study_day(r.due)
        first_by_skill[r.skill_id] = min(d, first_by_skill.get(r.skill_id, d))
    assert max(Counter(first_by_skill.values()).values()) <= 3  # no day starts more than a few skills
    assert min(days) >= today + timedelta(days=PRIOR_FIRST_DAY)
    assert max(days) < today + timedelta(days=PRIOR_FIRST_DAY + 21)


def test_prior_schedule_keeps_the_order_and_the_fair_share():
    today = NOW.date()
    for m in (1, 5, 21, 22, 60, 200):
        cards = [(f"s{i}", "") for i in range(m)]
        days = prior_schedule(cards, today, weeks=3)
        seq = [days[c] for c in cards]
        assert seq == sorted(seq)
        assert max(Counter(seq).values()) <= math.ceil(m / 21)


def test_prior_knowledge_gets_a_longer_first_interval_than_fresh_material():
    fresh = first_exposure("a/b", now=NOW, settings=S)
    prior = prior_exposure("a/b", now=NOW, settings=S, due_day=NOW.date() + timedelta(days=10))
    assert prior.card["stability"] > 3 * fresh.card["stability"]
    assert prior.due_day == NOW.date() + timedelta(days=10)
    # the next Good review after the prior card's first review lands later than after a fresh card's
    nxt_prior = review.schedule(prior.card, 3, skill_id="a/b", reviews=0, now=NOW + timedelta(days=10), settings=S)
    nxt_fresh = review.schedule(fresh.card, 3, skill_id="a/b", reviews=0, now=NOW + timedelta(days=2), settings=S)
    assert nxt_prior.interval_days > nxt_fresh.interval_days


def test_export_import_export_keeps_prior_rows(bws, tmp_path):
    learn_prior(bws, ["numpy"], now=NOW)
    with bws.read() as s:
        first = json.dumps(transfer.export_document(s, now=NOW), indent=2)
    assert '"kind": "prior"' in first
    other = Workspace(tmp_path / "c.db", bundled_path())
    try:
        with other.write() as s:
            transfer.import_document(s, transfer.parse_document(first))
        with other.read() as s:
            assert json.dumps(transfer.export_document(s, now=NOW), indent=2) == first
            assert {k: json.dumps(v, sort_keys=True) for k, v in review.rebuild_cards(s).items()} == \
                {(r.skill_id, r.check_id): json.dumps(review.card_dict(r), sort_keys=True)
                 for r in s.exec(__import__("sqlmodel").select(ReviewCard)).all()}
    finally:
        other.close()


def test_reset_with_dependents_resets_every_learned_skill_built_on_it(bws):
    learn_prior(bws, ["pytorch"], now=NOW)
    ids = reset_preview(bws, ["python"])
    assert ids[0] == "python" and "pytorch" in ids and "linear-algebra" not in ids
    changes = reset_with_dependents(bws, ["python"], now=NOW + timedelta(hours=1))
    assert {c.skill_id for c in changes} == set(ids) and all(c.left_review for c in changes)
    with bws.read() as s:
        st = load_statuses(s, bws.curriculum)
    assert st["linear-algebra"] == Status.LEARNED and st["pytorch"] == Status.NOT_STARTED


def test_cli_learn_with_prereqs_prints_what_it_marked_and_reset_asks(run):
    r = run("learn", "--with-prereqs", "regression")
    assert r.exit_code == 0, r.output
    assert "Marked 3 skills learned as prior knowledge" in r.output and "algebra" in r.output
    assert "first review" in r.output
    r = run("reset", "--with-dependents", "algebra", now=NOW + timedelta(hours=1))
    assert r.exit_code == 1 and "regression" in r.output and "Nothing was reset" in r.output
    r = run("reset", "--with-dependents", "algebra", "--yes", now=NOW + timedelta(hours=1))
    assert r.exit_code == 0 and "Reset 2 skills" in r.output
    r = run("status", "--format", "json", now=NOW + timedelta(hours=2))
    assert json.loads(r.stdout)["counts"]["learned"] == 1


def test_setup_puts_first_reviews_on_study_days_only_from_the_third_study_day(bws):
    """setup --weekly-hours 6 --study-days MO,WE,SA=3 --known pytorch,python on Monday 30 Nov 2026:
    every first review on a Monday, Wednesday or Saturday, from the third study day after today
    (Mon 7 Dec), no study day over its fair share of the checks."""
    from datetime import date, datetime, timezone

    from roadmap.actions.setup import SetupChoices, apply_setup
    from roadmap.progress import prior_days

    now = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
    choices = SetupChoices(weekly_hours="6", study_days="MO,WE,SA=3", timezone="UTC",
                           target=("first-paper", date(2028, 6, 1)), known=("pytorch", "python"))
    result = apply_setup(bws, choices, now=now)
    assert result.known and all(c.first_review is not None for c in result.known)
    with bws.read() as s:
        from sqlmodel import select
        due = [S.calendar.study_day(r.due) for r in s.exec(select(ReviewCard)).all()]
    assert {d.weekday() for d in due} <= {0, 2, 5}
    assert {c.first_review.weekday() for c in result.known} <= {0, 2, 5}
    assert min(due) == date(2026, 12, 7)  # Mon 30 Nov -> Wed 2, Sat 5, Mon 7: the third study day
    window = prior_days(date(2026, 11, 30), weeks=3, study_days={0, 2, 5})
    assert len(window) == 9 and max(due) <= window[-1]
    assert max(Counter(due).values()) <= math.ceil(len(due) / len(window))


def test_prior_schedule_on_few_study_days_keeps_the_order_and_the_fair_share():
    today = NOW.date()
    for m in (1, 5, 9, 10, 60):
        cards = [(f"s{i}", "") for i in range(m)]
        days = prior_schedule(cards, today, weeks=3, study_days={1, 4})
        seq = [days[c] for c in cards]
        assert seq == sorted(seq) and {d.weekday() for d in seq} <= {1, 4}
        assert max(Counter(seq).values()) <= math.ceil(m / 6)


def test_the_spread_text_counts_reviews_of_checks_not_skills(bws):
    """Several checks per skill: "at most N reviews a day" is the most cards first due on one study day."""
    from sqlmodel import select

    from roadmap.actions.skills import prior_spread_text

    changes = learn_prior(bws, ["pytorch"], now=NOW)
    with bws.read() as s:
        due = [S.calendar.study_day(r.due) for r in s.exec(select(ReviewCard)).all()]
    assert sum(len(c.review_days) for c in changes) == len(due) > len(changes)  # one day per check
    most = max(Counter(due).values())
    assert most > 1
    text = prior_spread_text(changes)
    assert f"of {len(due)} checks" in text and text.endswith(f"at most {most} reviews a day")


def test_cli_setup_learn_and_placement_say_how_many_reviews_a_day(run, tmp_path):
    r = run("setup", "--weekly-hours", "6", "--study-days", "MO,WE,SA=3", "--known", "regression",
            "--timezone", "UTC")
    assert r.exit_code == 0, r.output
    assert "First reviews of" in r.output and ("reviews a day" in r.output or "1 review a day" in r.output)
    r = run("learn", "--with-prereqs", "bayes", now=NOW + timedelta(hours=1))
    assert r.exit_code == 0, r.output
    assert "first review" in r.output and "a day." in r.output and "First review" in r.output


def test_one_started_skill_alone_in_the_week_while_its_goal_waits_and_next_up_is_the_plan(bws):
    """The newcomer's case through the actions: after setup (target first-paper, known pytorch and python),
    starting the first skill of the plan leaves the second place of the week empty, because every other
    skill of the target's current lead waits for it (the planner's rule, README "How it plans"), and
    Today's "Next up" and `roadmap next` are the study plan keeping only the ready skills (one order)."""
    from datetime import date, datetime, timezone

    from roadmap.actions import plan as plan_actions, today as today_mod, week
    from roadmap.actions.setup import SetupChoices, apply_setup
    from roadmap.actions.skills import set_status

    now = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
    apply_setup(bws, SetupChoices(weekly_hours="6", study_days="MO,WE,SA=3", timezone="UTC",
                                  target=("first-paper", date(2028, 6, 1)), known=("pytorch", "python")), now=now)
    first = plan_actions.study_plan(bws).items[0].skill_id
    set_status(bws, [first], Status.IN_PROGRESS, now=now + timedelta(minutes=1))
    later = now + timedelta(minutes=2)
    plan = [i.skill_id for i in plan_actions.study_plan(bws).items]
    ready = [i.skill_id for i in plan_actions.next_skills(bws).items]
    assert plan[0] == first and len(ready) > 5
    view = week.week_plan(bws, now=later)
    studied = {b.skill_id for d in view.plan.days for b in d.blocks}
    assert studied == {first}  # the second place stays empty: the target's next skills need `first`
    cur = bws.curriculum
    assert all(first in cur.with_prerequisites([s]) for s in plan[1:3])
    # one order: Next up and `next` are the plan's ready skills, in plan order
    assert ready == [s for s in plan if s in set(ready)]
    ov = today_mod.overview(bws, now=later)
    assert [p.skill_id for p in ov.next_up] == [s for s in ready if s != first]


def test_why_a_target_moved_a_skill_reads_without_nested_parentheses(bws):
    """'… moved ahead by its target date 1 Jun 2028; on the ladder: Reproduce a published result, in the
    Entry-level researcher (0-3 years) stage.': the only parentheses left are those of the stage's name."""
    import re
    from datetime import date, datetime, timezone

    from roadmap import wording
    from roadmap.actions.setup import SetupChoices, apply_setup
    from roadmap.actions.why import why

    now = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
    apply_setup(bws, SetupChoices(timezone="UTC", target=("first-paper", date(2028, 6, 1))), now=now)
    view = why(bws, "reading-papers", now=now)
    text = wording.plan_reason_text(view.reason, bws.curriculum)
    assert "; moved ahead by its target date 1 Jun 2028; on the ladder: " in text
    assert ", in the Entry-level researcher (0-3 years) stage." in text
    assert not re.search(r"\([^()]*\(", text)  # no parenthesis opened inside another


def test_reset_with_dependents_lists_only_skills_that_change(run):
    r = run("reset", "--with-dependents", "backprop", "--yes")  # not started, nothing built on it learned
    assert r.exit_code == 0 and r.output == "backprop is not started; nothing to reset\n", r.output
    run("learn", "--with-prereqs", "regression")
    later = NOW + timedelta(hours=1)
    r = run("reset", "--with-dependents", "calculus", "backprop", "--yes", now=later)
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[:3] == ["This resets 2 skills:", "  calculus (Calculus)",
                                         "  regression (Linear regression)"]
    assert "Reset 2 skills" in r.output and "backprop" not in r.output


def test_prior_days_skip_time_off_and_keep_the_window_length():
    from datetime import date

    from roadmap.progress import prior_days

    today = date(2026, 11, 30)  # a Monday
    plain = prior_days(today, weeks=2)
    assert plain[0] == date(2026, 12, 3) and len(plain) == 14
    holiday = (date(2026, 12, 2), date(2026, 12, 10))  # nine days off, starting before the first day
    days = prior_days(today, weeks=2, time_off=[holiday])
    assert not any(holiday[0] <= d <= holiday[1] for d in days)
    assert days[0] == date(2026, 12, 12)  # the third study day not off: 1 Dec, then 11 and 12 Dec
    assert len(days) == 14  # days off do not shorten the window
    assert prior_days(today, weeks=1, study_days={0}, time_off=[(date(2026, 12, 1), date(2027, 2, 28))])
    assert prior_days(today, weeks=1, time_off=[(date(2026, 12, 1), date(9999, 12, 31))])  # no overflow


def test_learning_prior_knowledge_puts_no_first_review_in_time_off(bws):
    from datetime import date

    from roadmap.timeoff import add_time_off

    with bws.write() as s:
        add_time_off(s, date(2026, 12, 1), date(2026, 12, 20), note="holiday")
    changes = learn_prior(bws, ["pytorch"], now=NOW)
    with bws.read() as s:
        from sqlmodel import select
        due = [S.calendar.study_day(r.due) for r in s.exec(select(ReviewCard)).all()]
    assert due and all(d > date(2026, 12, 20) for d in due)
    assert all(c.first_review > date(2026, 12, 20) for c in changes if c.first_review)
