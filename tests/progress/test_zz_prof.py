import cProfile, pstats, pytest
from tests.progress.conftest import Player

@pytest.mark.django_db
def test_prof(player, clock):
    player.beat(0)
    pr = cProfile.Profile(); pr.enable()
    for i in range(1, 101):
        clock.tick(0.5); player.beat(min(100, i*0.5))
    pr.disable()
    pstats.Stats(pr).sort_stats("cumulative").print_stats(35)
