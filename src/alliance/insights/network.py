"""The interaction network: who talks to whom, how much and how recently.

Parties are nodes; two parties are tied by every interaction they both attended, each weighing
``0.5 ** (age / half_life_days)`` (interactions older than ``window_days`` are left out), so a
tie fades when the parties stop meeting. On that graph:

* brokers - parties with high betweenness centrality (Brandes 2001), computed with
  ``1 / weight`` as the length of a tie so that strong ties are short paths;
* communities - Louvain modularity communities (Blondel et al. 2008) with a fixed seed;
* isolated parties - total tie weight below ``isolation_max_strength``;
* crossing share - the share of all tie weight that links a local party to an international
  one, the measure of local integration. Its evidence is one line per crossing tie.

Optionally the people present form a second graph (who meets whom in person), whose brokers
are the individuals who hold the relationship together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import networkx as nx

from alliance.insights.evidence import Contribution, Evidence, combine
from alliance.insights.inputs import AgreementData, Interaction, canonical
from alliance.insights.messages import msg
from alliance.insights.parameters import NETWORK, NetworkParameters


@dataclass(frozen=True)
class PartyPosition:
    """One party's place in the network."""

    party: str
    is_local: bool
    strength: float  # sum of its tie weights
    betweenness: float  # normalised 0-1
    community: int
    is_broker: bool
    is_isolated: bool


@dataclass(frozen=True)
class Tie:
    """Two parties' recency-weighted interactions."""

    a: str
    b: str
    weight: float
    interactions: int
    crossing: bool  # links a local party with an international one


@dataclass(frozen=True)
class NetworkResult:
    """The network of an agreement at a date."""

    agreement: str
    as_of: date
    parties: tuple[PartyPosition, ...]
    ties: tuple[Tie, ...]
    communities: tuple[tuple[str, ...], ...]
    brokers: tuple[str, ...]  # by betweenness, highest first
    isolated: tuple[str, ...]
    crossing_share: float | None  # 0-1; None when nobody met
    crossing_evidence: Evidence
    person_brokers: tuple[str, ...] = ()
    graph: nx.Graph = field(default_factory=nx.Graph, compare=False, repr=False)

    def position(self, party: str) -> PartyPosition:
        """The position of one party (KeyError if it is not in the agreement)."""
        for p in self.parties:
            if p.party == party:
                return p
        raise KeyError(party)


def network_analysis(
    data: AgreementData,
    as_of: date,
    params: NetworkParameters = NETWORK,
    *,
    people: Mapping[str, str] | None = None,
) -> NetworkResult:
    """The party network of ``data`` at ``as_of``; ``people`` (person id -> party id) adds the
    graph of the people present and its brokers."""
    data = canonical(data)
    recent = [ix for ix in data.interactions if _in_window(ix, as_of, params)]
    graph = party_graph(data, recent, as_of, params)
    betweenness = _betweenness(graph)
    communities = _communities(graph, params)
    community_of = {p: k for k, members in enumerate(communities) for p in members}
    strength = dict(graph.degree(weight="weight"))
    positions = tuple(
        PartyPosition(
            party=p,
            is_local=graph.nodes[p]["is_local"],
            strength=float(strength[p]),
            betweenness=betweenness[p],
            community=community_of[p],
            is_broker=betweenness[p] >= params.broker_min_betweenness,
            is_isolated=strength[p] < params.isolation_max_strength,
        )
        for p in sorted(graph.nodes)
    )
    ties = _ties(graph)
    share, evidence = _crossing(ties)
    return NetworkResult(
        agreement=data.id,
        as_of=as_of,
        parties=positions,
        ties=ties,
        communities=communities,
        brokers=tuple(
            p.party
            for p in sorted(positions, key=lambda p: (-p.betweenness, p.party))
            if p.is_broker
        ),
        isolated=tuple(p.party for p in positions if p.is_isolated),
        crossing_share=share,
        crossing_evidence=evidence,
        person_brokers=_person_brokers(recent, as_of, params, people) if people else (),
        graph=graph,
    )


def _in_window(ix: Interaction, as_of: date, params: NetworkParameters) -> bool:
    return ix.date <= as_of and (as_of - ix.date).days <= params.window_days


def _decay(ix: Interaction, as_of: date, params: NetworkParameters) -> float:
    return 0.5 ** ((as_of - ix.date).days / params.half_life_days)


def party_graph(
    data: AgreementData, interactions: list[Interaction], as_of: date, params: NetworkParameters
) -> nx.Graph:
    """Undirected graph of ``data``'s parties, tie ``weight`` = recency-weighted co-attendance
    and ``distance`` = 1 / weight (for shortest paths)."""
    graph = nx.Graph()
    for p in data.parties:
        graph.add_node(p.id, is_local=data.is_local(p))
    for ix in interactions:
        w = _decay(ix, as_of, params)
        present = sorted({p for p in ix.parties if p in graph})
        for k, a in enumerate(present):
            for b in present[k + 1 :]:
                _add_tie(graph, a, b, w)
    for _, _, attrs in graph.edges(data=True):
        attrs["distance"] = 1.0 / attrs["weight"]
    return graph


def _add_tie(graph: nx.Graph, a: str, b: str, w: float) -> None:
    if graph.has_edge(a, b):
        graph[a][b]["weight"] += w
        graph[a][b]["interactions"] += 1
    else:
        graph.add_edge(a, b, weight=w, interactions=1)


def _betweenness(graph: nx.Graph) -> dict[str, float]:
    if graph.number_of_nodes() < 3:
        return dict.fromkeys(graph.nodes, 0.0)
    return nx.betweenness_centrality(graph, weight="distance", normalized=True)


def _communities(graph: nx.Graph, params: NetworkParameters) -> tuple[tuple[str, ...], ...]:
    if graph.number_of_nodes() == 0:
        return ()
    found = nx.community.louvain_communities(
        graph, weight="weight", resolution=params.louvain_resolution, seed=params.seed
    )
    # Largest first, then alphabetical, so the numbering is stable across runs.
    return tuple(sorted((tuple(sorted(c)) for c in found), key=lambda c: (-len(c), c)))


def _ties(graph: nx.Graph) -> tuple[Tie, ...]:
    ties = []
    for a, b, attrs in graph.edges(data=True):
        a, b = sorted((a, b))
        crossing = graph.nodes[a]["is_local"] != graph.nodes[b]["is_local"]
        ties.append(Tie(a, b, float(attrs["weight"]), int(attrs["interactions"]), crossing))
    return tuple(sorted(ties, key=lambda t: (t.a, t.b)))


def _crossing(ties: tuple[Tie, ...]) -> tuple[float | None, Evidence]:
    """Share of tie weight crossing the local / international line, one line per crossing tie."""
    total = sum(t.weight for t in ties)
    if total == 0:
        return None, Evidence(0.0, 0.0)
    parts = [
        Contribution(
            label=f"{t.a} - {t.b}: {t.interactions} interactions across the local line",
            contribution=t.weight / total,
            event_id=f"{t.a}|{t.b}",
            event_kind="tie",
            message=msg("network.crossing_tie", party=t.a, other=t.b, n=t.interactions),
        )
        for t in ties
        if t.crossing
    ]
    share = sum(c.contribution for c in parts)
    return share, combine(share, 0.0, parts)


def _person_brokers(
    interactions: list[Interaction],
    as_of: date,
    params: NetworkParameters,
    people: Mapping[str, str],
) -> tuple[str, ...]:
    graph = nx.Graph()
    graph.add_nodes_from(sorted(people))
    for ix in interactions:
        w = _decay(ix, as_of, params)
        present = sorted({p for p in ix.people if p in people})
        for k, a in enumerate(present):
            for b in present[k + 1 :]:
                _add_tie(graph, a, b, w)
    for _, _, attrs in graph.edges(data=True):
        attrs["distance"] = 1.0 / attrs["weight"]
    scores = _betweenness(graph)
    ranked = sorted(scores, key=lambda p: (-scores[p], p))
    return tuple(p for p in ranked if scores[p] >= params.broker_min_betweenness)
