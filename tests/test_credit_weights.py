"""Graph credit, the pure parts: encompassed weights (default per edge, paths, floor, explicit overrides) and
the guards on a credited due day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, strategies as st

from roadmap.curriculum.loader import parse
from roadmap.review import credit
from roadmap.review.credit import DEFAULT_EDGE_WEIGHT as D, WEIGHT_FLOOR, credit_due_day, encompassed_weights


def _skill(sid: str, requires=(), encompasses: dict | None = None) -> str:
    enc = ""
    if encompasses is not None:
        enc = "encompasses = { " + ", ".join(f'{k} = {v}' for k, v in encompasses.items()) + " }\n"
    return (f'[[skill]]\nid = "{sid}"\nname = "{sid}"\ncategory = "c"\nhours = 1\n'
            f'requires = [{", ".join(repr(r).replace(chr(39), chr(34)) for r in requires)}]\n'
            f'description = "x"\nchecks = ["q1?", "q2?"]\n'
            f'resources = [{{ title = "T", url = "https://example.org/" }}]\n{enc}\n')


def curriculum(*skills: str):
    return parse('format = 1\n[[category]]\nid = "c"\nname = "C"\n\n' + "".join(skills))


# a -> b -> c -> d -> e (each a prerequisite of the next), and f requires a and c
CHAIN = (_skill("a"), _skill("b", ["a"]), _skill("c", ["b"]), _skill("d", ["c"]), _skill("e", ["d"]),
         _skill("f", ["a", "c"]))


def test_default_weight_per_edge_multiplies_along_paths_and_stops_at_the_floor():
    cur = curriculum(*CHAIN)
    assert dict(encompassed_weights(cur, "a")) == {}
    assert dict(encompassed_weights(cur, "b")) == {"a": D}
    assert encompassed_weights(cur, "c") == pytest.approx({"b": D, "a": D * D})
    # e: d 0.3, c 0.09, b 0.027 < floor (dropped), a dropped
    assert D ** 3 < WEIGHT_FLOOR <= D ** 2
    assert encompassed_weights(cur, "e") == pytest.approx({"d": D, "c": D * D})


def test_best_path_counts_not_the_sum():
    cur = curriculum(*CHAIN)
    # f reaches a directly (0.3) and through c -> b -> a (0.027): the best path counts
    assert encompassed_weights(cur, "f") == pytest.approx({"a": D, "c": D, "b": D * D})


def test_explicit_weights_override_the_default_for_their_pair_and_carry_on_along_paths():
    cur = curriculum(_skill("a"), _skill("b", ["a"]), _skill("c", ["b"], {"b": 0.8, "a": 0.1}),
                     _skill("d", ["c"], {"a": 0.6}), _skill("e", ["d"]), _skill("x"), _skill("y", ["x"], {"x": 0.02}))
    assert encompassed_weights(cur, "c") == pytest.approx({"b": 0.8, "a": 0.1})  # 0.1 overrides 0.8 * 0.3
    # d's table replaces the default for its edges: its direct prerequisite c, left out, gets nothing
    assert encompassed_weights(cur, "d") == pytest.approx({"a": 0.6})
    # e has no table: d by default 0.3, then on along d's own table (a: 0.3 * 0.6)
    assert encompassed_weights(cur, "e") == pytest.approx({"d": D, "a": D * 0.6})
    assert dict(encompassed_weights(cur, "y")) == {}  # an explicit weight below the floor gives nothing


def test_an_empty_table_means_a_review_exercises_none_of_the_prerequisites():
    cur = curriculum(_skill("a"), _skill("b", ["a"], {}), _skill("c", ["b"]))
    assert cur.skills["b"].encompasses == {} and cur.skills["a"].encompasses is None
    assert dict(encompassed_weights(cur, "b")) == {}
    assert encompassed_weights(cur, "c") == pytest.approx({"b": D})  # and nothing flows on through b


def test_weights_are_cached_per_curriculum_and_failure_finds_heavy_dependents():
    cur = curriculum(*CHAIN, _skill("g", ["c"], {"c": 0.7, "b": 0.5}))
    assert credit.credit_weights(cur) is credit.credit_weights(cur)
    assert credit.encompassing(cur, "c") == {"g": 0.7}
    assert credit.encompassing(cur, "b") == {"g": 0.5}
    assert credit.encompassing(cur, "a") == {}  # 0.5 * 0.3 is not heavy
    with pytest.raises(KeyError):
        encompassed_weights(cur, "nope")


def test_bundled_curriculum_weights_are_in_range():
    from roadmap.curriculum import load

    cur = load()
    for sid, weights in credit.credit_weights(cur).items():
        assert sid not in weights
        assert set(weights) <= cur.with_prerequisites([sid])
        assert all(WEIGHT_FLOOR <= w <= 1 for w in weights.values())


DAY = date(2026, 3, 1)


def test_guard_never_shortens_and_caps_at_twice_the_explicit_interval_and_max_credit_days():
    last, explicit = DAY, DAY + timedelta(days=10)
    g = lambda due, cand, maxd=180: credit_due_day(due_day=due, candidate_day=cand, last_review_day=last,  # noqa: E731
                                                   explicit_due_day=explicit, max_credit_days=maxd)
    assert g(explicit, DAY + timedelta(days=5)) == explicit  # never shortens
    assert g(explicit, DAY + timedelta(days=15)) == DAY + timedelta(days=15)
    assert g(explicit, DAY + timedelta(days=40)) == DAY + timedelta(days=20)  # twice the explicit interval
    assert g(explicit, DAY + timedelta(days=40), 12) == DAY + timedelta(days=12)  # max_credit_days
    assert g(DAY + timedelta(days=30), DAY + timedelta(days=40)) == DAY + timedelta(days=30)  # already later: kept


@given(st.integers(0, 400), st.integers(0, 900), st.integers(-50, 900), st.integers(1, 400))
def test_guard_property(explicit_days, due_days, cand_days, max_credit):
    due = DAY + timedelta(days=due_days)
    out = credit_due_day(due_day=due, candidate_day=DAY + timedelta(days=cand_days), last_review_day=DAY,
                         explicit_due_day=DAY + timedelta(days=explicit_days), max_credit_days=max_credit)
    assert out >= due
    assert out == due or (out - DAY).days <= min(2 * explicit_days, max_credit)
