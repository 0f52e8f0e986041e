"""roadmap: a terminal learning-roadmap planner with spaced review.

The package is a headless core (curriculum, planning, review, storage) with two
thin faces over it: the click CLI (:mod:`roadmap.cli`) and the Textual TUI
(:mod:`roadmap.tui`). Nothing outside ``roadmap.tui`` imports Textual.
"""

__version__ = "0.1.0"

