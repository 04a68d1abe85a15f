"""Network: brokers, communities, isolated parties and the local / international crossing."""

from datetime import date, timedelta

import pytest
from hypothesis import given

from alliance.insights.inputs import AgreementData, Interaction, Participation, Party
from alliance.insights.network import network_analysis
from alliance.insights.tests.test_evidence import AS_OF, SETTINGS, agreements, assert_adds_up

# Two clusters joined only through "epc": the international lenders and the local side.
PARTIES = (
    Party("bank", country="FR"),
    Party("dfi", country="DE"),
    Party("epc", country="FR"),
    Party("ministry", country="SN"),
    Party("utility", country="SN"),
    Party("ngo", country="SN"),
)


def meet(k: int, *parties: str, people: tuple[str, ...] = ()) -> Interaction:
    return Interaction(f"i{k}", AS_OF - timedelta(days=10 + k), parties, people)


def bridged() -> AgreementData:
    interactions = (
        *(meet(k, "bank", "dfi") for k in range(6)),
        *(meet(10 + k, "ministry", "utility") for k in range(6)),
        meet(20, "bank", "epc", people=("anna", "paul")),
        meet(21, "epc", "ministry", people=("paul", "moussa")),
        meet(22, "bank", "dfi", "epc"),
        meet(23, "epc", "ministry", "utility"),
    )
    return AgreementData(
        "ag",
        PARTIES,
        tuple(Participation(p.id) for p in PARTIES),
        interactions=interactions,
        host_country="SN",
    )


def test_the_bridge_is_the_broker_and_the_silent_party_is_isolated():
    r = network_analysis(bridged(), AS_OF)
    assert r.brokers[0] == "epc"
    assert r.isolated == ("ngo",)
    assert r.position("ngo").strength == 0.0


def test_communities_split_lenders_from_the_local_side_and_are_repeatable():
    r = network_analysis(bridged(), AS_OF)
    groups = [set(c) for c in r.communities]
    assert {"bank", "dfi"} <= next(g for g in groups if "bank" in g)
    assert {"ministry", "utility"} <= next(g for g in groups if "ministry" in g)
    assert network_analysis(bridged(), AS_OF).communities == r.communities


def test_crossing_share_counts_ties_between_local_and_international_parties():
    r = network_analysis(bridged(), AS_OF)
    crossing = sum(t.weight for t in r.ties if t.crossing)
    assert r.crossing_share == pytest.approx(crossing / sum(t.weight for t in r.ties))
    assert 0 < r.crossing_share < 0.5
    assert_adds_up(r.crossing_evidence)


def test_old_interactions_fade_and_leave_the_window():
    old = AgreementData(
        "ag",
        PARTIES[:2],
        (),
        interactions=(Interaction("x", AS_OF - timedelta(days=400), ("bank", "dfi")),),
    )
    r = network_analysis(old, AS_OF)
    assert r.ties == () and r.crossing_share is None and set(r.isolated) == {"bank", "dfi"}


def test_people_graph_names_the_person_who_bridges():
    people = {"anna": "bank", "paul": "epc", "moussa": "ministry"}
    assert network_analysis(bridged(), AS_OF, people=people).person_brokers == ("paul",)


def test_explicit_is_local_flag_wins_over_country():
    data = bridged()
    flipped = AgreementData(
        "ag",
        tuple(Party(p.id, country=p.country, is_local=True) for p in data.parties),
        data.participations,
        interactions=data.interactions,
        host_country="SN",
    )
    assert network_analysis(flipped, date(2025, 7, 1)).crossing_share == 0.0


@SETTINGS
@given(agreements())
def test_crossing_evidence_adds_up(data):
    r = network_analysis(data, AS_OF)
    assert_adds_up(r.crossing_evidence)


@SETTINGS
@given(agreements())
def test_network_does_not_depend_on_input_order(data):
    from dataclasses import replace

    flipped = replace(data, parties=data.parties[::-1], interactions=data.interactions[::-1])
    a, b = network_analysis(data, AS_OF), network_analysis(flipped, AS_OF)
    assert (a.parties, a.ties, a.communities, a.crossing_share) == (
        b.parties, b.ties, b.communities, b.crossing_share,
    )  # fmt: skip
