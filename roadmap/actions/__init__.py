"""The core's actions: one function per thing a learner does or asks, shared by the CLI and the app.

Each function takes what it needs (a :class:`roadmap.workspace.Workspace`,
which holds the curriculum and the database, and ``now``, an aware UTC
instant) and returns plain typed values (dataclasses). Nothing here prints,
and nothing imports Rich, click or Textual: the faces parse input, call
these functions and format what they return with :mod:`roadmap.wording`.

Where is the function behind a command or an app key?

==========================  =============================================  =====================
CLI command                 action                                         app key (screen)
==========================  =============================================  =====================
validate                    ``curriculum.validate``                        -
status                      ``summary.status_summary``                     -
plan                        ``plan.study_plan``                            -
next                        ``plan.next_skills``                           Today list
why                         ``why.why``                                    skill detail (Today,
                                                                           Browse)
start / learn / skip /      ``skills.set_status``                          s / l / k / x
reset                                                                      (Today, Browse)
log                         ``skills.log_time``                            h (Today, Browse)
week [--from D]             ``week.week_plan``                             w, [ ] n (Week:
                                                                           ``week.week_at``)
milestones                  ``milestones.milestone_forecasts``             m
off add / list / remove     ``timeoff.add`` / ``list_all`` / ``remove``    -
due                         ``review.due``                                 Today summary
                                                                           (``today.overview``)
due --count                 ``due_count.count_due`` (stdlib only)          -
review SKILL[/CHECK]        ``review.review``                              1-4 (Review)
review (a session)          ``review.todays_cards``, ``review.preview``,   r (Today), space
                            ``review.review``, ``review.undo(only=...)``   (Review)
(the choices shown)         ``review.preview``                             Review
note                        ``review.get_note`` / ``review.set_note``      n (Review)
undo                        ``review.undo``                                u (Review)
forecast                    ``review.forecast``                            v (Stats:
                                                                           ``stats.stats``)
export / import             ``data.export_json`` / ``data.import_file``    -
graph                       ``data.graph``                                 -
config                      ``settings.all_settings`` / ``get`` /          , (Settings:
                            ``set`` / ``unset``                            ``current``,
                                                                           ``set_many``)
(roadmap, no command)       ``today.overview``, ``today.review_session``   t, r, b (Today,
                                                                           Browse)
==========================  =============================================  =====================

Single definitions: ``skills.is_ready`` / ``skills.skill_states`` (ready,
locked, fading), ``skills.fading``, ``skills.counts_by_status``,
``week.is_rest_day``, ``week.WeekView.overbooked``, ``today.review_session``
(review ahead when nothing is due).

Submodules are imported on their own (``from roadmap.actions import week``),
so a command loads only what it needs.
"""
