"""Planning: the study plan, the frontier, milestone progress, the weekly plan and forecasts.

Everything here is a pure function of the curriculum, the learner's progress
(statuses, logged hours), their settings and a date: no database, no clock.

Order of the study plan
-----------------------
The plan works through *goals* in turn (:func:`roadmap.planning.goals.plan_goals`),
and finishes what a goal needs before what only a later goal needs:

1. skills in progress (with any prerequisites still missing): finish what was started;
2. milestones with a target date (setting ``target.<id>``), earliest target first;
3. the career ladder: the stages (milestones with a ``level``) by level; within
   a stage, its concrete milestones (``stage = <id>``) in file order, then
   the rest of the stage. Stages are cumulative: a stage needs what the
   earlier ones need;
4. milestones outside the ladder, in file order;
5. chosen tracks (setting ``tracks``) that no milestone counts;
6. last, the skills no goal needs (electives of tracks not chosen, ...).

Within a goal, every skill comes after its prerequisites; the skill that
starts the longest chain of the goal's remaining skills (in hours) goes
first, then file order. The learner studies ``parallel_skills`` skills at
once (setting, default 2), each getting an equal share of a study day; a
freed slot goes to a skill of a category not being studied when its chain is
at least half as long as the best one's (so a mathematics skill runs beside a
programming or modelling one). The study plan lists the skills in the order
such a learner starts them (:func:`study_plan`), and the weekly plan plays the
same rule on study days (:func:`play_plan`), so both agree.

Submodules: :mod:`.goals` (what milestones, stages and tracks need; progress),
:mod:`.order` (the next-skill rule, the study plan, the frontier, why a skill
is where it is), :mod:`.layout` (the weekly plan on study days),
:mod:`.forecast` (milestone forecasts).
"""

from roadmap.planning.forecast import HORIZON_DAYS, MilestoneForecast, milestone_forecasts
from roadmap.planning.goals import (DONE, Goal, MilestoneProgress, Need, chosen_tracks, milestone_needs,
                                    milestone_progress, plan_goals, remaining_hours, status_of)
from roadmap.planning.layout import Block, DayPlan, WeekPlan, day_capacities, play_plan, weekly_plan
from roadmap.planning.order import (DEFAULT_PARALLEL, PlanItem, PlanReason, frontier, missing_prerequisites,
                                    plan_reason, study_plan)

__all__ = [
    "DEFAULT_PARALLEL", "DONE", "HORIZON_DAYS", "Block", "DayPlan", "Goal", "MilestoneForecast", "MilestoneProgress",
    "Need", "PlanItem", "PlanReason", "WeekPlan", "chosen_tracks", "day_capacities", "frontier",
    "milestone_forecasts", "milestone_needs", "milestone_progress", "missing_prerequisites", "plan_goals",
    "plan_reason", "play_plan", "remaining_hours", "status_of", "study_plan", "weekly_plan",
]
