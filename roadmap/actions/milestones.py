"""Milestones with forecasts: when each is expected to be reached and how it stands against its target."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from roadmap.planning import MilestoneForecast
from roadmap.status import ForecastStatus

if TYPE_CHECKING:
    from roadmap.workspace import Workspace

FORECAST_READ_DAYS = 60  # days of the review forecast read; later days repeat its average


def milestone_forecasts(ws: Workspace, *, now: datetime) -> list[MilestoneForecast]:
    """Every milestone's progress, forecast date and target status (``status`` is a :class:`ForecastStatus`).

    The forecast plays the study plan forward at the learner's weekly hours,
    study days, time off and review load (:func:`roadmap.planning.milestone_forecasts`).
    """
    from roadmap.actions.context import plan_context
    from roadmap.planning import HORIZON_DAYS, milestone_forecasts as forecast

    with ws.read() as s:
        pc = plan_context(s, ws.curriculum, now, days=FORECAST_READ_DAYS)
    out = forecast(ws.curriculum, pc.statuses, pc.settings, pc.today, logged=pc.logged, reviews=pc.reviews,
                   time_off=pc.time_off, horizon_days=HORIZON_DAYS)
    return [replace(f, status=ForecastStatus(f.status)) for f in out]
