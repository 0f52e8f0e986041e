"""Graph credit off vs on at equal true retention: the measurement that decides the setting's default.

    python benchmarks/credit_sweep.py --seeds 200 --out docs/credit.svg     # the full sweep (hours of CPU)
    python benchmarks/credit_sweep.py --quick                               # a few seeds, to try it
    python benchmarks/credit_sweep.py --quick --arms off                    # before graph credit exists

For each arm (the setting ``graph_credit`` off / on, written in every
simulated learner's database) and each desired retention, the same learners
(paired seeds: learner i has the same truth in every run) follow the plan
through the real core (:mod:`roadmap.simulate`). Per arm this gives a curve:
explicit reviews per learner against time-averaged true retention. The arms
are compared at equal true retention (each arm's curve interpolated linearly),
not at equal settings: credit can look cheaper at the same desired retention
while true retention drops. Reported: the saving in explicit reviews at the
chosen true retentions with a bootstrap 95% interval over learners
(resampled in pairs), and the difference in the low-retention share
(check-days with true retrievability below 0.7) at the same retention.

A share of learners (``--inert-share``) has a graph that transfers nothing,
so credit must not pay off by assuming transfer that is not there.

Writes a JSON file (``--json``, default: the SVG's path with .json) and an
SVG picture (``--out``): explicit reviews vs true retention, both arms.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

from roadmap import curriculum as curriculum_mod
from roadmap.simulate import SimConfig, SimulationError, simulate

LEVELS = (0.70, 0.75, 0.80, 0.85, 0.90, 0.94, 0.97)
AT = (0.85, 0.90)
ARMS = {"off": False, "on": True}


def interpolate(xs: list[float], ys: list[float], x: float) -> float | None:
    """y at ``x`` on the polyline through (xs, ys) sorted by x; None outside its range."""
    pts = sorted(zip(xs, ys))
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        if x0 <= x <= x1:
            return y0 if x1 == x0 else y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return None


def curve(rows: dict[float, list[dict]], pick: list[int]) -> tuple[list[float], list[float], list[float]]:
    """Mean true retention, explicit reviews and low share per level over the learners ``pick``."""
    ret, rev, low = [], [], []
    for level in sorted(rows):
        ls = [rows[level][i] for i in pick]
        ret.append(sum(r["retention"] or 0.0 for r in ls) / len(ls))
        rev.append(sum(r["reviews"] for r in ls) / len(ls))
        low.append(sum(r["low_share"] or 0.0 for r in ls) / len(ls))
    return ret, rev, low


def compare(runs: dict[str, dict[float, list[dict]]], n: int, at: tuple[float, ...], *, boot: int,
            seed: int) -> dict:
    """Saving of explicit reviews (1 - on/off) and low-share difference (on - off, points) at each true
    retention in ``at``, with bootstrap 95% intervals over learners resampled in pairs."""

    def one(pick):
        (r0, v0, l0), (r1, v1, l1) = curve(runs["off"], pick), curve(runs["on"], pick)
        out = {}
        for t in at:
            off, on = interpolate(r0, v0, t), interpolate(r1, v1, t)
            lo0, lo1 = interpolate(r0, l0, t), interpolate(r1, l1, t)
            out[t] = (None if off in (None, 0) or on is None else 1 - on / off,
                      None if lo0 is None or lo1 is None else 100 * (lo1 - lo0))
        return out

    point = one(list(range(n)))
    rng = random.Random(seed)
    samples = [one([rng.randrange(n) for _ in range(n)]) for _ in range(boot)]
    result = {}
    for t in at:
        entry = {"saving": point[t][0], "low_share_diff_points": point[t][1]}
        for k, name in ((0, "saving_ci95"), (1, "low_share_diff_ci95")):
            vals = sorted(s[t][k] for s in samples if s[t][k] is not None)
            entry[name] = [vals[int(0.025 * (len(vals) - 1))], vals[int(0.975 * (len(vals) - 1))]] if vals else None
        result[f"{t:.2f}"] = entry
    return result


def svg(curves: dict[str, tuple[list[float], list[float]]], title: str) -> str:
    """Explicit reviews (y) vs time-averaged true retention (x), one polyline per arm, as SVG text."""
    w, h, left, right, top, bottom = 640, 420, 70, 20, 40, 55
    xs = [x for c in curves.values() for x in c[0]]
    ys = [y for c in curves.values() for y in c[1]]
    x0, x1 = (min(xs), max(xs)) if xs else (0.7, 1.0)
    y1 = max(ys) * 1.05 if ys and max(ys) > 0 else 1.0
    if x1 - x0 < 1e-6:
        x0, x1 = x0 - 0.01, x1 + 0.01

    def px(x):
        return left + (x - x0) / (x1 - x0) * (w - left - right)

    def py(y):
        return h - bottom - y / y1 * (h - top - bottom)

    colors = {"off": "#1f77b4", "on": "#d62728"}
    names = {"off": "graph credit off", "on": "graph credit on"}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{w}" height="{h}" fill="white"/>',
           f'<text x="{w / 2}" y="22" text-anchor="middle" font-size="14">{_esc(title)}</text>',
           f'<line x1="{left}" y1="{h - bottom}" x2="{w - right}" y2="{h - bottom}" stroke="black"/>',
           f'<line x1="{left}" y1="{top}" x2="{left}" y2="{h - bottom}" stroke="black"/>']
    for i in range(6):
        x = x0 + (x1 - x0) * i / 5
        y = y1 * i / 5
        out.append(f'<text x="{px(x):.1f}" y="{h - bottom + 18}" text-anchor="middle">{100 * x:.1f}%</text>')
        out.append(f'<text x="{left - 6}" y="{py(y) + 4:.1f}" text-anchor="end">{y:.0f}</text>')
        out.append(f'<line x1="{left}" y1="{py(y):.1f}" x2="{w - right}" y2="{py(y):.1f}" stroke="#ddd"/>')
    out.append(f'<text x="{(left + w - right) / 2}" y="{h - 12}" text-anchor="middle">'
               f'true retention, time-averaged</text>')
    out.append(f'<text x="16" y="{(top + h - bottom) / 2}" text-anchor="middle" '
               f'transform="rotate(-90 16 {(top + h - bottom) / 2})">explicit reviews per learner</text>')
    for k, (arm, (cx, cy)) in enumerate(curves.items()):
        pts = sorted(zip(cx, cy))
        color = colors.get(arm, "black")
        out.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="'
                   + " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts) + '"/>')
        out += [f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{color}"/>' for x, y in pts]
        out.append(f'<rect x="{left + 12}" y="{top + 8 + 18 * k}" width="14" height="3" fill="{color}"/>')
        out.append(f'<text x="{left + 32}" y="{top + 13 + 18 * k}">{_esc(names.get(arm, arm))}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=200, help="learners per run (paired across arms and levels)")
    ap.add_argument("--years", type=float, default=3.0)
    ap.add_argument("--levels", type=float, nargs="*", default=list(LEVELS), help="desired retentions")
    ap.add_argument("--at", type=float, nargs="*", default=list(AT), help="true retentions to compare at")
    ap.add_argument("--arms", default="off,on", help="arms to run: off, on or off,on")
    ap.add_argument("--inert-share", type=float, default=0.2, help="share of learners whose graph transfers nothing")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--bootstrap", type=int, default=1000)
    ap.add_argument("--curriculum", default=None)
    ap.add_argument("--out", default="docs/credit.svg")
    ap.add_argument("--json", default=None, help="default: --out with .json")
    ap.add_argument("--quick", action="store_true", help="4 learners, 0.5 years, 3 levels, 200 bootstrap draws")
    args = ap.parse_args(argv)
    if args.quick:
        args.seeds, args.years, args.levels, args.bootstrap = 4, 0.5, [0.75, 0.85, 0.95], 200
    arms = [a.strip() for a in args.arms.split(",") if a.strip()]
    if not arms or any(a not in ARMS for a in arms):
        print(f"--arms {args.arms!r}: give off, on or off,on", file=sys.stderr)
        return 2
    cur = curriculum_mod.load(args.curriculum)
    runs: dict[str, dict[float, list[dict]]] = {}
    started = time.process_time(), time.time()
    for arm in arms:
        runs[arm] = {}
        for level in args.levels:
            config = SimConfig(years=args.years, learners=args.seeds, seed=args.seed, desired_retention=level,
                               graph_credit=ARMS[arm], inert_share=args.inert_share)
            try:
                result = simulate(config, curriculum=cur, jobs=args.jobs)
            except SimulationError as e:
                print(str(e), file=sys.stderr)
                return 2
            runs[arm][level] = [{"seed": r.seed, "reviews": r.reviews, "retention": r.retention,
                                 "low_share": r.low_share} for r in result.learners]
            s = result.summary()
            print(f"{arm:>3} DR {level:.2f}: reviews {s['reviews']:.0f}  true retention {s['retention']:.3f}  "
                  f"low {100 * s['low_share']:.2f}%", file=sys.stderr)
    pick = list(range(args.seeds))
    curves = {arm: curve(runs[arm], pick) for arm in arms}
    report = {
        "curriculum": args.curriculum or "bundled", "seeds": args.seeds, "years": args.years,
        "levels": args.levels, "inert_share": args.inert_share, "seed": args.seed,
        "arms": {arm: {"desired_retention": sorted(runs[arm]), "retention": c[0], "reviews": c[1], "low_share": c[2],
                       "learners": {f"{lv:.2f}": runs[arm][lv] for lv in sorted(runs[arm])}}
                 for arm, c in curves.items()},
        "comparison": (compare(runs, args.seeds, tuple(args.at), boot=args.bootstrap, seed=args.seed)
                       if {"off", "on"} <= set(arms) else None),
    }
    out = Path(args.out)
    js = Path(args.json) if args.json else out.with_suffix(".json")
    out.parent.mkdir(parents=True, exist_ok=True)
    js.parent.mkdir(parents=True, exist_ok=True)
    title = f"Explicit reviews vs true retention ({args.seeds} learners, {args.years:g} years)"
    out.write_text(svg({arm: (c[0], c[1]) for arm, c in curves.items()}, title), encoding="utf-8")
    js.write_text(json.dumps(report, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    cpu, wall = time.process_time() - started[0], time.time() - started[1]
    print(f"wrote {out} and {js} ({wall:.0f} s wall, {cpu:.0f} s CPU in this process)", file=sys.stderr)
    if report["comparison"]:
        for t, e in report["comparison"].items():
            print(f"at true retention {t}: saving {e['saving']}, CI {e['saving_ci95']}; "
                  f"low share diff {e['low_share_diff_points']} points", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
