"""The prerequisite graph as a picture: Graphviz DOT or Mermaid, coloured by status.

Each skill's state is one of ``learned``, ``in_progress``, ``ready`` (on the
frontier), ``locked`` (prerequisites missing), ``skipped`` or ``fading``
(learned, retrievability below the desired retention). The state is also
written in the node's label (a symbol), so the picture reads without colour.
"""

from __future__ import annotations

from typing import Iterable, Mapping

import networkx as nx

from roadmap.curriculum import Curriculum
from roadmap.models import Status
from roadmap.planning import DONE, status_of

STATES = {
    "learned": ("✓", "#2e7d32", "#c8e6c9"),
    "fading": ("!", "#ef6c00", "#ffe0b2"),
    "in_progress": ("◐", "#1565c0", "#bbdefb"),
    "ready": ("○", "#6a1b9a", "#e1bee7"),
    "locked": ("·", "#757575", "#eeeeee"),
    "skipped": ("⊘", "#9e9e9e", "#fafafa"),
}


def node_states(curriculum: Curriculum, statuses: Mapping[str, Status], fading: Iterable[str] = ()) -> dict[str, str]:
    """Each skill id's state name (see the module docstring)."""
    fading = set(fading)
    out = {}
    for sid in curriculum.skills:
        st = status_of(statuses, sid)
        if st == Status.LEARNED:
            out[sid] = "fading" if sid in fading else "learned"
        elif st == Status.SKIPPED:
            out[sid] = "skipped"
        elif st == Status.IN_PROGRESS:
            out[sid] = "in_progress"
        else:
            ready = all(status_of(statuses, p) in DONE for p in curriculum.graph.predecessors(sid))
            out[sid] = "ready" if ready else "locked"
    return out


def focus_nodes(curriculum: Curriculum, skill_id: str | None) -> list[str]:
    """The skills to draw: all, or ``skill_id`` with its prerequisites and dependents (file order)."""
    if skill_id is None:
        return list(curriculum.skills)
    keep = {skill_id} | nx.ancestors(curriculum.graph, skill_id) | nx.descendants(curriculum.graph, skill_id)
    return [s for s in curriculum.skills if s in keep]


def _esc(text: str) -> str:
    """``text`` inside a DOT quoted string: backslashes and quotes escaped, line breaks as DOT's
    ``\\n`` (a centred line break), so a name is shown as written and cannot end the string."""
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return "\\n".join(text.splitlines())


def to_dot(curriculum: Curriculum, states: Mapping[str, str], nodes: list[str], focus: str | None = None) -> str:
    """Graphviz DOT: one cluster per category, edges prerequisite -> dependent."""
    keep = set(nodes)
    lines = ["digraph roadmap {", '  rankdir=LR;', '  node [shape=box, style="rounded,filled", fontname="Helvetica"];',
             '  edge [color="#9e9e9e"];']
    for c in curriculum.categories:
        members = [s for s in nodes if curriculum.skills[s].category == c.id]
        if not members:
            continue
        lines.append(f'  subgraph "cluster_{c.id}" {{')
        lines.append(f'    label="{_esc(c.name)}"; color="#bdbdbd";')
        for s in members:
            sym, line, fill = STATES[states[s]]
            pen = ", penwidth=3" if s == focus else ""
            lines.append(f'    "{s}" [label="{sym} {_esc(curriculum.skills[s].name)}", color="{line}", '
                         f'fillcolor="{fill}"{pen}];')
        lines.append("  }")
    for a, b in curriculum.graph.edges:
        if a in keep and b in keep:
            lines.append(f'  "{a}" -> "{b}";')
    legend = " · ".join(f"{sym} {name.replace('_', ' ')}" for name, (sym, _, _) in STATES.items())
    lines.append(f'  label="{_esc(legend)}"; labelloc=b;')
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_mermaid(curriculum: Curriculum, states: Mapping[str, str], nodes: list[str], focus: str | None = None) -> str:
    """Mermaid flowchart (renders in GitHub Markdown), with a class per state."""
    keep = set(nodes)
    nid = {s: "s_" + s.replace("-", "_") for s in nodes}  # prefixed: ids such as "end" are Mermaid keywords
    lines = ["flowchart LR"]
    for c in curriculum.categories:
        members = [s for s in nodes if curriculum.skills[s].category == c.id]
        if not members:
            continue
        lines.append(f'  subgraph c_{c.id.replace("-", "_")}["{_mm(c.name)}"]')
        for s in members:
            sym = STATES[states[s]][0]
            lines.append(f'    {nid[s]}["{sym} {_mm(curriculum.skills[s].name)}"]:::{states[s]}')
        lines.append("  end")
    for a, b in curriculum.graph.edges:
        if a in keep and b in keep:
            lines.append(f"  {nid[a]} --> {nid[b]}")
    for name, (_, line, fill) in STATES.items():
        lines.append(f"  classDef {name} fill:{fill},stroke:{line},color:#212121")
    if focus:
        lines.append(f"  style {nid[focus]} stroke-width:4px")
    return "\n".join(lines) + "\n"


# Mermaid reads ``#name;`` / ``#35;`` in a label as an HTML entity (its own escape syntax); its
# sanitizer drops anything that looks like a tag, so ``<`` ``>`` must be entities too.
_MERMAID = {"#": "#35;", "<": "#lt;", ">": "#gt;", "&": "#amp;", '"': "#quot;", "`": "#96;"}


def _mm(text: str) -> str:
    """``text`` inside a quoted Mermaid label, shown as written: ``# < > & " `` and backticks as
    Mermaid entity codes (one character at a time, so the codes' own ``#`` is not encoded again),
    line breaks as ``<br>``."""
    text = "".join(_MERMAID.get(ch, ch) for ch in text)
    return "<br>".join(text.splitlines())
