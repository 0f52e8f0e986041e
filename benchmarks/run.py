"""Measure roadmap: whole-process wall time and peak memory of CLI commands, and TUI latency.

Usage (from the repository root, after installing roadmap):

    python benchmarks/run.py            # bundled curriculum + 2 years, and 10 000 skills + 1 000 000 reviews
    python benchmarks/run.py --quick    # bundled + 2 years, and 1 000 skills + 100 000 reviews
    python benchmarks/run.py --runs 7
    python benchmarks/run.py --smoke    # bundled curriculum + 30 days, one run: checks the commands work

Datasets are built once into benchmarks/out/ (kept between runs; delete it to
rebuild). Each figure is the median of --runs runs after one warm-up run, with
the spread (min-max), next to a baseline: the bare interpreter importing the
project's main dependencies (``python -c "import sqlmodel, networkx, textual"``),
run once before each timed run, so every ratio compares runs taken under the
same machine load. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

from pathlib import Path

HERE = Path(__file__).parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

from generate import NOW, daily_history, synthetic_curriculum, synthetic_history  # noqa: E402

# (command, dataset kind) -> target: the median as a multiple of the baseline's median (issue 10),
# or, for the rating latency, seconds measured inside the app.
TARGETS = {
    ("status", "bundled"): 0.9, ("due", "bundled"): 0.9, ("next", "bundled"): 0.9, ("week", "bundled"): 0.9,
    ("learn", "bundled"): 1.0, ("review", "bundled"): 1.0, ("due --count", "bundled"): 0.1,
    ("tui first paint", "bundled"): 1.2, ("tui first paint", "large"): 2.0, ("due --count", "large"): 0.1,
}
LATENCY_TARGETS = {("tui rating -> next review", "large"): 0.05}
PEAK_MB_LARGE = 300


# A small launcher measures each run: on Linux a child's peak RSS (ru_maxrss) includes
# what it inherited from the process that forked it, so the measuring process must be
# small, not this script with a dataset in memory.
_LAUNCHER = r"""
import json, os, subprocess, sys, time
argv = json.loads(sys.argv[1])
t0 = time.perf_counter()
p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
err = p.stderr.read()
_, status, usage = os.wait4(p.pid, 0)
wall = time.perf_counter() - t0
print(json.dumps({"wall": wall, "peak_mb": usage.ru_maxrss / 1024, "status": status, "err": err.decode()[-2000:]}))
"""


def run_once(argv: list[str], env: dict) -> tuple[float, float]:
    """One run of ``argv``: (wall seconds, peak RSS MB). Exits with its stderr if it fails."""
    out = subprocess.run([sys.executable, "-c", _LAUNCHER, json.dumps(argv)], env=env, capture_output=True,
                         text=True, check=True).stdout
    r = json.loads(out)
    if r["status"] != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{r['err']}")
    return r["wall"], r["peak_mb"]


BASELINE_ARGV = [sys.executable, "-c", "import sqlmodel, networkx, textual"]
_paired: list[float] = []  # baseline wall times taken next to the timed runs since the last summarize()


def pair() -> None:
    """Time one baseline run now, next to the timed run that follows: on a shared machine the load drifts
    within minutes, so each row is compared with baseline runs taken in between its own runs."""
    _paired.append(run_once(BASELINE_ARGV, dict(os.environ))[0])


def summarize(what: str, kind: str, walls: list[float], peaks: list[float | None]) -> dict:
    real = [p for p in peaks if p is not None]
    base = statistics.median(_paired) if _paired else None
    _paired.clear()
    return {"what": what, "kind": kind, "median": statistics.median(walls), "min": min(walls), "max": max(walls),
            "peak_mb": max(real) if real else None, "base": base}


def measure(argv: list[str], env: dict, runs: int) -> tuple[list[float], list[float]]:
    """Wall times and peaks of ``runs`` runs after a warm-up run (file system and curriculum caches)."""
    walls, peaks = [], []
    for i in range(runs + 1):
        if i:
            pair()
        wall, peak = run_once(argv, env)
        if i:
            walls.append(wall)
            peaks.append(peak)
    return walls, peaks


def build(name: str, quick: bool, smoke: bool = False) -> tuple[Path, Path | None]:
    """Build a dataset once: (database, curriculum or None for the bundled one).

    ``smoke``: the bundled curriculum with 30 days of history (seconds to build), to check the
    benchmark's commands work, not to measure them."""
    OUT.mkdir(exist_ok=True)
    db = OUT / (f"{name}-smoke.db" if smoke else f"{name}.db")
    if name == "bundled":
        cur = None
        if not db.exists():
            days = 30 if smoke else 730
            print(f"building {name}: bundled curriculum, {days} days of daily reviews…", file=sys.stderr)
            info = daily_history(db, None, days=days, now=NOW, learn_every_days=1 if smoke else 12)
            print(f"  {info}", file=sys.stderr)
        return db, cur
    n_skills, n_reviews = (1_000, 100_000) if quick else (10_000, 1_000_000)
    cur = OUT / f"{name}-{n_skills}.toml"
    db = OUT / f"{name}-{n_skills}-{n_reviews}.db"
    if not cur.exists():
        cur.write_text(synthetic_curriculum(n_skills))
    if not db.exists():
        print(f"building {name}: {n_skills} skills, {n_reviews} reviews over five years…", file=sys.stderr)
        t0 = time.perf_counter()
        info = synthetic_history(db, cur, reviews=n_reviews, years=5, now=NOW)
        print(f"  {info} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return db, cur


def env_for(db: Path, cur: Path | None, now=NOW) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROADMAP_")}
    env["ROADMAP_DB"] = str(db)
    env["ROADMAP_NOW"] = now.isoformat()
    env["XDG_CACHE_HOME"] = str(OUT / "cache")
    if cur is not None:
        env["ROADMAP_CURRICULUM"] = str(cur)
    return env


def cli_rows(kind: str, db: Path, cur: Path | None, runs: int) -> list[dict]:
    exe = [sys.executable, "-m", "roadmap"]
    env = env_for(db, cur)
    rows = []
    for cmd in (["--help"], ["validate"], ["status"], ["due"], ["due", "--count"], ["next"], ["week"]):
        rows.append(summarize(" ".join(cmd), kind, *measure(exe + cmd, env, runs)))
    # learn: a frontier skill, reset between runs (the reset is not timed)
    work = OUT / f"{db.stem}-work.db"
    shutil.copy(db, work)
    wenv = env_for(work, cur)
    nxt = json.loads(subprocess.run(exe + ["next", "-n", "1", "--format", "json"], env=wenv, capture_output=True,
                                    text=True, check=True).stdout)
    walls, peaks = [], []
    for i in range(runs + 1):
        if i:
            pair()
        wall, peak = run_once(exe + ["learn", nxt[0]["id"]], wenv)
        if i:
            walls.append(wall)
            peaks.append(peak)
        subprocess.run(exe + ["reset", nxt[0]["id"]], env=wenv, capture_output=True, check=True)
    rows.append(summarize("learn", kind, walls, peaks))
    # review: a different due skill each run
    due = json.loads(subprocess.run(exe + ["due", "--all", "--format", "json"], env=wenv, capture_output=True,
                                    text=True, check=True).stdout)
    walls, peaks = [], []
    for i, item in enumerate(due[: runs + 1]):
        if i:
            pair()
        wall, peak = run_once(exe + ["review", item["id"], "--rating", "good"], wenv)
        if i:
            walls.append(wall)
            peaks.append(peak)
    if walls:
        rows.append(summarize("review", kind, walls, peaks))
    work.unlink(missing_ok=True)
    return rows


def tui_rows(kind: str, db: Path, cur: Path | None, runs: int) -> list[dict]:
    """First paint of Today (whole process) and rating key -> next review shown (in the app)."""
    probe = HERE / "tui_probe.py"
    paints, ratings = [], []
    for i in range(runs + 1):
        work = OUT / f"{db.stem}-tui.db"
        shutil.copy(db, work)
        if i:
            pair()
        t0 = time.perf_counter()
        p = subprocess.Popen([sys.executable, str(probe)], env=env_for(work, cur), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        first = p.stdout.readline()
        painted = time.perf_counter() - t0
        try:
            rest, err = p.communicate(timeout=300)
        except subprocess.TimeoutExpired:  # never hang a benchmark (or the test that runs it)
            p.kill()
            rest, err = p.communicate()
            raise SystemExit(f"tui probe did not finish in 300 s:\n{first}{rest}{err}")
        if p.returncode != 0 or not first.startswith("painted"):
            raise SystemExit(f"tui probe failed (exit status {p.returncode}):\n{first}{rest}{err}")
        if i:
            paints.append(painted)
            try:
                ratings += json.loads(rest)["rating_s"]
            except (ValueError, KeyError):  # the paint was measured; say why the ratings were not
                print(f"tui probe gave no rating times:\n{rest[-500:]}{err[-1500:]}", file=sys.stderr)
        work.unlink(missing_ok=True)
    rows = [summarize("tui first paint", kind, paints, [None])]
    _paired.clear()
    if ratings:
        rows.append(summarize("tui rating -> next review", kind, ratings, [None]))
    return rows


def baseline(runs: int) -> dict:
    """The baseline on its own (``runs`` runs after a warm-up), for the header line."""
    walls, peaks = [], []
    for i in range(runs + 1):
        wall, peak = run_once(BASELINE_ARGV, dict(os.environ))
        if i:
            walls.append(wall)
            peaks.append(peak)
    return summarize("baseline", "", walls, peaks)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="1 000 skills and 100 000 reviews instead of 10 000 and 1M")
    ap.add_argument("--smoke", action="store_true",
                    help="bundled curriculum with 30 days of history only, one run: checks every command works")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", choices=("cli", "tui"), help="time only the commands (cli) or only the app (tui)")
    ap.add_argument("--data", choices=("bundled", "large"), help="only this data set")
    args = ap.parse_args()
    if args.smoke:
        args.runs = 1
    rows = []
    for kind in ("bundled",) if args.smoke else ("bundled", "large"):
        if args.data and kind != args.data:
            continue
        db, cur = build(kind, args.quick, args.smoke)
        if args.only != "tui":
            rows += cli_rows(kind, db, cur, args.runs)
        if args.only != "cli":
            rows += tui_rows(kind, db, cur, args.runs)
    size = "1 000 skills, 100 000 reviews" if args.quick else "10 000 skills, 1 000 000 reviews"
    print(f"Measured {time.strftime('%Y-%m-%d')} on {machine()}; median of {args.runs} runs (min–max).")
    base = baseline(args.runs)
    print(f"Baseline `python -c \"import sqlmodel, networkx, textual\"`: {base['median']:.3f} s "
          f"({base['min']:.3f}–{base['max']:.3f}), {base['peak_mb']:.0f} MB at the end; each row's × baseline "
          "compares it with baseline runs taken between its own runs (their median is in the last column).\n")
    print("| data | what | median | min–max | × baseline | peak MB | target | baseline |")
    print("| --- | --- | ---: | ---: | ---: | ---: | --- | ---: |")
    for r in rows:
        data = ("bundled + 30 days" if args.smoke else "bundled + 2 years") if r["kind"] == "bundled" else size
        unit_ms = r["what"].startswith("tui rating")
        fmt = (lambda x: f"{x * 1000:.0f} ms") if unit_ms else (lambda x: f"{x:.3f} s")
        verdict = ""
        ratio_target = None if args.smoke else TARGETS.get((r["what"], r["kind"]))
        latency_target = None if args.smoke else LATENCY_TARGETS.get((r["what"], r["kind"]))
        if ratio_target is not None:
            ok = r["median"] <= ratio_target * r["base"]
            verdict = f"≤ {ratio_target:g}× {'✓' if ok else '✗'}"
        if latency_target is not None:
            verdict = f"≤ {fmt(latency_target)} {'✓' if r['median'] <= latency_target else '✗'}"
        if r["kind"] == "large" and r["peak_mb"] is not None and not args.quick:
            verdict += f" · ≤ {PEAK_MB_LARGE} MB {'✓' if r['peak_mb'] <= PEAK_MB_LARGE else '✗'}"
        ratio = "" if unit_ms or r["base"] is None else f"{r['median'] / r['base']:.2f}"
        paired = "" if unit_ms or r["base"] is None else fmt(r["base"])
        peak = "" if r["peak_mb"] is None else f"{r['peak_mb']:.0f}"
        print(f"| {data} | `{r['what']}` | {fmt(r['median'])} | {fmt(r['min'])}–{fmt(r['max'])} | {ratio} | {peak} "
              f"| {verdict} | {paired} |")


if __name__ == "__main__":
    main()
