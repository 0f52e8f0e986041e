"""The base of roadmap's domain errors.

Every error the user can cause (a bad curriculum, an unknown skill id, a bad
setting, a refused review, an unusable database) is a subclass of
:class:`RoadmapError`; the CLI and the TUI catch it at the edge and show its
message (exit code 2 in the CLI), never a traceback.
"""


class RoadmapError(Exception):
    """An error caused by input, with a message meant for the user."""
