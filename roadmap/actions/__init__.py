"""The core's actions: one function per thing a learner does or asks, shared by the CLI and the app.

Each function takes what it needs (a :class:`roadmap.workspace.Workspace`,
which holds the curriculum and the database, and ``now``, an aware UTC
instant) and returns plain typed values (dataclasses). Nothing here prints,
and nothing imports Rich, click or Textual: the faces parse input, call
these functions and format what they return with :mod:`roadmap.wording`.

Where is the function behind a command?

=====================  ==========================================  ==================
what the learner does  function                                    app key
=====================  ==========================================  ==================
start/learn/skip/reset :func:`skills.set_status`                   s / l / k / x
log study time         :func:`skills.log_time`                     h
status summary         :func:`summary.status_summary`              v (Stats)
study plan / next      :func:`plan.study_plan`, :func:`plan.next_skills`  Today list
the week (any date)    :func:`week.week_plan`                      w, [ ]
milestones             :func:`milestones.milestone_forecasts`      m
today's overview       :func:`today.overview`                      t
due queue / count      :func:`review.due`, :func:`due_count.count_due`  r
review / preview       :func:`review.review`, :func:`review.preview`  1-4
undo                   :func:`review.undo`                         u
forecast               :func:`review.forecast`                     v (Stats)
export / import        :func:`data.export_json`, :func:`data.import_file`  -
graph                  :func:`data.graph`                          -
settings               :func:`settings.all_settings`, ``get``, ``set``, ``unset``  ,
time off               :func:`timeoff.add`, ``list_all``, ``remove``  -
=====================  ==========================================  ==================

Submodules are imported on their own (``from roadmap.actions import week``),
so a command loads only what it needs.
"""
