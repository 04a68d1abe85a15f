from alliance.accounts import policy


def test_outsider_sees_no_agreement(world):
    assert not policy.agreements_visible_to(world.outsider).exists()
    assert list(policy.agreements_visible_to(world.rep_x)) == [world.agreement]
