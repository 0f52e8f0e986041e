"""Sweep the learner simulator and print its figures (run on purpose, not in CI).

    python benchmarks/simulate.py                    # bundled curriculum, 1 year, 3 learners
    python benchmarks/simulate.py --years 3 --learners 10 --curriculum tests/data/small.toml

For each desired retention it prints explicit reviews, review minutes per
day, true retention (time-averaged and at reviews), the low-retrievability
share, milestone forecast error and days over budget, and the CPU time per
learner-year. A validation row runs the scheduler's own model as the truth
(no spread, no transfer, no time off): recall at reviews should equal the
desired retention within a point.
"""

from __future__ import annotations

import argparse
import time

from roadmap import curriculum as curriculum_mod
from roadmap.simulate import SimConfig, simulate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--years", type=float, default=1.0)
    ap.add_argument("--learners", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--weekly-hours", type=float, default=10.0)
    ap.add_argument("--curriculum", default=None)
    ap.add_argument("--retention", type=float, nargs="*", default=[0.80, 0.90, 0.95])
    args = ap.parse_args()
    cur = curriculum_mod.load(args.curriculum)
    head = (f"{'arm':<12}{'DR':>5}{'reviews':>9}{'min/day':>8}{'p95':>5}{'ret(avg)':>9}{'at rev':>7}"
            f"{'<0.7':>7}{'ms err wk':>10}{'over':>6}{'cpu s/learner-yr':>18}")
    print(f"{len(cur.skills)} skills, {args.years:g} years, {args.learners} learners, seed {args.seed}")
    print(head)
    arms = [("model", dict(parameter_spread=0.0, transfer=False, time_off_weeks=0, daily_review_cap=1000))]
    arms += [("learners", {})]
    for name, extra in arms:
        for dr in args.retention:
            config = SimConfig(years=args.years, learners=args.learners, seed=args.seed,
                               weekly_hours=args.weekly_hours, desired_retention=dr, **extra)
            t = time.process_time()
            s = simulate(config, curriculum=cur).summary()
            cpu = (time.process_time() - t) / (args.learners * args.years)
            err = s["milestone_error_weeks_median"]
            m = s["review_minutes_per_day"]
            print(f"{name:<12}{dr:>5.2f}{s['reviews']:>9.0f}{m['mean']:>8.1f}{m['p95']:>5.0f}"
                  f"{s['retention']:>9.3f}{s['recall_at_review']:>7.3f}{100 * s['low_share']:>6.2f}%"
                  f"{'—' if err is None else f'{err:.1f}':>10}{s['days_over_budget']:>6.1f}{cpu:>18.2f}")


if __name__ == "__main__":
    main()
