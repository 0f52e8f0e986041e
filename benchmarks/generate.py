"""Synthetic data for the benchmarks: curricula and review histories, seeded.

Curricula are written with tomlkit and read back through roadmap's own
loader; histories are computed with roadmap's own scheduler
(:func:`roadmap.review.schedule`) and written through its models, in large
transactions, so the database looks exactly like a learner's.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

RATING_MIX = ((1, 0.08), (2, 0.12), (3, 0.70), (4, 0.10))  # Again, Hard, Good, Easy


def synthetic_curriculum(n_skills: int, *, seed: int = 1, categories: int = 10, milestones: int = 20,
                         prerequisites: int = 3) -> str:
    """A valid curriculum TOML of ``n_skills`` skills, about ``prerequisites`` each (a DAG)."""
    import tomlkit

    rng = random.Random(seed)
    doc = tomlkit.document()
    doc.add("format", 1)
    cats = tomlkit.aot()
    for c in range(categories):
        cats.append(tomlkit.item({"id": f"cat-{c}", "name": f"Category {c}"}))
    doc.add("category", cats)
    skills = tomlkit.aot()
    ids = [f"skill-{i:05d}" for i in range(n_skills)]
    for i, sid in enumerate(ids):
        window = ids[max(0, i - 300):i]
        req = sorted(rng.sample(window, min(len(window), prerequisites)))
        skills.append(tomlkit.item({
            "id": sid, "name": f"Skill {i}", "category": f"cat-{i % categories}",
            "hours": rng.choice([2, 4, 6, 8, 12, 20]), "requires": req,
            "description": f"Synthetic skill {i} for benchmarks.",
            "checks": [f"Explain skill {i}.", f"Apply skill {i} to a problem."],
            "resources": [{"title": "Book", "url": f"https://example.org/{sid}"}],
        }))
    doc.add("skill", skills)
    ms = tomlkit.aot()
    for m in range(milestones):
        ms.append(tomlkit.item({"id": f"milestone-{m}", "name": f"Milestone {m}",
                                "requires": sorted(rng.sample(ids, min(10, len(ids))))}))
    doc.add("milestone", ms)
    return tomlkit.dumps(doc)


def _rating(rng: random.Random) -> int:
    x, acc = rng.random(), 0.0
    for r, p in RATING_MIX:
        acc += p
        if x < acc:
            return r
    return 3


def synthetic_history(db: Path, curriculum_path: Path, *, reviews: int, years: float, now: datetime,
                      seed: int = 1, learned_fraction: float = 0.6) -> dict:
    """Fill ``db`` with a learner's history ending at ``now``: learned skills and ``reviews`` reviews.

    Skills are learned in study-plan order over the first half of the period;
    each learned skill gets a share of the reviews, spaced evenly from its
    learning to ``now``, rated with :data:`RATING_MIX`. Card states come from
    roadmap's scheduler. Returns counts.
    """
    from sqlalchemy import insert

    from roadmap import review
    from roadmap.models import ReviewCard, ReviewLog, SkillProgress, StatusEvent
    from roadmap.planning import study_plan
    from roadmap.settings import Settings
    from roadmap.workspace import Workspace

    rng = random.Random(seed)
    ws = Workspace(db, curriculum_path)
    cur = ws.curriculum
    settings = Settings(timezone="UTC")
    order = [p.skill_id for p in study_plan(cur, {})]
    learned = order[: max(1, int(len(order) * learned_fraction))]
    start = now - timedelta(days=365 * years)
    span = (now - start) / 2
    per_skill = max(1, reviews // len(learned))
    progress, events, logs, cards = [], [], [], []
    total = 0
    for i, sid in enumerate(learned):
        t_learn = start + span * (i / len(learned))
        progress.append({"skill_id": sid, "status": "learned", "started_at": t_learn - timedelta(days=3),
                         "learned_at": t_learn, "skipped_at": None, "updated_at": t_learn})
        events.append({"skill_id": sid, "status": "learned", "at": t_learn})
        out = review.schedule(None, 3, skill_id=sid, reviews=0, now=t_learn, settings=settings)
        logs.append({"skill_id": sid, "reviewed_at": t_learn, "rating": 3, "kind": "learn", "duration_seconds": None,
                     "undoes": None, "card_before": None, "card_after": json.dumps(out.card)})
        card = out.card
        n = per_skill + (1 if i < reviews - per_skill * len(learned) else 0)
        step = (now - timedelta(hours=1) - t_learn) / (n + 1)
        for k in range(n):
            t = t_learn + step * (k + 1)
            r = _rating(rng)
            out = review.schedule(card, r, skill_id=sid, reviews=k, now=t, settings=settings)
            logs.append({"skill_id": sid, "reviewed_at": t, "rating": r, "kind": "review",
                         "duration_seconds": rng.uniform(20, 240), "undoes": None,
                         "card_before": json.dumps(card), "card_after": json.dumps(out.card)})
            card = out.card
            total += 1
        row = review.card_row_from_dict(sid, card, n)
        cards.append({k: getattr(row, k) for k in ("skill_id", "state", "step", "stability", "difficulty", "due",
                                                   "last_review", "reviews")})
        if len(logs) > 50_000:
            with ws.write() as s:
                s.execute(insert(ReviewLog), logs)
            logs = []
    with ws.write() as s:
        if logs:
            s.execute(insert(ReviewLog), logs)
        s.execute(insert(SkillProgress), progress)
        s.execute(insert(StatusEvent), events)
        s.execute(insert(ReviewCard), cards)
    ws.close()
    return {"learned": len(learned), "reviews": total}


def daily_history(db: Path, curriculum_path: Path | None, *, days: int, now: datetime, seed: int = 1,
                  learn_every_days: int = 8) -> dict:
    """A learner who studies every day for ``days`` days: learns the next frontier skill every
    ``learn_every_days`` days and does every review due that day, through roadmap's own functions."""
    from roadmap import review
    from roadmap.models import Status
    from roadmap.planning import frontier
    from roadmap.progress import load_statuses, set_status
    from roadmap.settings import Settings
    from roadmap.workspace import Workspace

    rng = random.Random(seed)
    ws = Workspace(db, curriculum_path)
    settings = Settings(timezone="UTC", daily_review_cap=1000)
    total = 0
    for d in range(days):
        t = now - timedelta(days=days - d) + timedelta(hours=rng.uniform(0, 3))
        with ws.write() as s:
            for item in review.due_queue(s, now=t, settings=settings):
                review.record(s, item.skill_id, _rating(rng), check_id=item.check_id, now=t, settings=settings,
                              duration_seconds=rng.uniform(20, 240))
                t += timedelta(seconds=90)
                total += 1
            if d % learn_every_days == 0:
                ready = frontier(ws.curriculum, load_statuses(s, ws.curriculum))
                if ready:
                    set_status(s, ws.curriculum, [ready[0].skill_id], Status.LEARNED, now=t, settings=settings)
    ws.close()
    return {"days": days, "reviews": total}


NOW = datetime(2026, 11, 29, 18, 0, tzinfo=UTC)
