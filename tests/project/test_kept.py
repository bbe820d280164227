"""The bounded per-process store (project.kept): the least recently used go first."""

from project.kept import Kept


def test_the_least_recently_used_goes_first():
    kept = Kept(2)
    kept.put("a", 1)
    kept.put("b", 2)
    assert kept.get("a") == 1  # now "b" is the least recently used
    kept.put("c", 3)
    assert (kept.get("a"), kept.get("b"), kept.get("c"), len(kept)) == (1, None, 3, 2)
    kept.clear()
    assert len(kept) == 0 and kept.get("a") is None


def test_a_key_let_go_by_another_thread_meanwhile_is_still_answered():
    kept = Kept(2)
    kept.put("a", 1)

    class Racing(type(kept._items)):
        def move_to_end(self, key, last=True):
            raise KeyError(key)  # evicted between the lookup and the move (threaded dev server)

    kept._items = Racing(kept._items)
    assert kept.get("a") == 1
