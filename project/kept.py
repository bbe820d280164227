"""A bounded per-process store of things worked out once and asked for again (least recently
used go first): compiled SQL statements, rendered HTML. What is kept must depend only on its
key, so that keeping it can never change an answer."""

from collections import OrderedDict


class Kept:
    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()

    def get(self, key):
        item = self._items.get(key)
        if item is not None:
            try:
                self._items.move_to_end(key)
            except KeyError:  # another thread (threaded dev server) let it go meanwhile
                pass
        return item

    def put(self, key, item) -> None:
        self._items[key] = item
        if len(self._items) > self.size:
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
