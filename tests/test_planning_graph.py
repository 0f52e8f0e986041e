"""The plain prerequisite tuples of a curriculum (what planning walks, without networkx) give the same
answers as its networkx graph."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from roadmap import curriculum as cm
from roadmap.planning import missing_prerequisites
from roadmap.status import Status

from conftest import SMALL


@pytest.fixture(scope="module", params=["bundled", "small"])
def cur(request):
    return cm.load(None if request.param == "bundled" else SMALL)


def test_prerequisites_and_successors_are_the_graphs_edges(cur):
    g = cur.graph
    for sid in cur.skills:
        assert set(cur.prerequisites(sid)) == set(g.predecessors(sid))
        assert set(cur.successors(sid)) == set(g.successors(sid))
        assert cur.dependents(sid) == sorted(g.successors(sid))
    assert cur.prerequisite_count() == g.number_of_edges()


def test_a_cached_curriculum_builds_no_graph_until_asked():
    cm.load(SMALL)  # validated (the validator builds a graph) and cached
    fresh = cm.load(SMALL)  # served from the cache: no networkx graph yet
    assert fresh._graph is None
    fresh.with_prerequisites(["regression"])
    assert fresh._graph is None
    assert set(fresh.graph.edges) == {(a, b) for b in fresh.skills for a in fresh.prerequisites(b)}


def test_prerequisites_first_equals_networkx_lexicographic_order(cur):
    order = {s: i for i, s in enumerate(cur.skills)}
    rng = random.Random(7)
    ids = list(cur.skills)
    for _ in range(30):
        some = rng.sample(ids, rng.randint(0, len(ids)))
        want = list(nx.lexicographical_topological_sort(cur.graph.subgraph(some), key=order.__getitem__))
        assert cur.prerequisites_first(some) == want


def test_missing_prerequisites_equal_networkx_ancestors(cur):
    rng = random.Random(11)
    order = {s: i for i, s in enumerate(cur.skills)}
    for sid in cur.skills:
        statuses = {s: Status.LEARNED for s in cur.skills if rng.random() < 0.3}
        ancestors = [a for a in nx.ancestors(cur.graph, sid) if statuses.get(a) != Status.LEARNED]
        want = list(nx.lexicographical_topological_sort(cur.graph.subgraph(ancestors), key=order.__getitem__))
        assert missing_prerequisites(cur, statuses, sid) == want
