"""Process-wide switches set by the console script, read by the core (standard library only, so
setting them costs nothing at start-up)."""

FREEZE_AFTER_LOAD = False
"""True in the ``roadmap`` process (one workspace per process): once the curriculum is loaded,
:func:`gc.freeze` moves every object alive then -- the modules and the curriculum, which live as
long as the process -- out of the garbage collector's generations, so full collections stop walking
them again. On 10 000 skills that halved Today's queue read (0.36 s -> 0.19 s, median of 5). Library
users and tests, which load many curricula in one process, keep the default: objects frozen are
never collected."""
