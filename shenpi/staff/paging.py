"""Pages of lists that may hold more than anyone reads."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts no further than `cap` rows: a province's supervisor searching every case, or a
    department with tens of thousands of open steps, would otherwise wait for a count of all of
    them on each page. Past the cap the page says "more than" and the pages stop there (a
    narrower search, or the most urgent first, is what a person works through; the dashboards
    have the exact figures)."""

    def __init__(self, object_list, per_page, cap=10_000, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.capped = False

    @cached_property
    def count(self):
        # The first cap + 1 rows in the list's own order: the plan that reads the page (down
        # the index that gives the order) stops there. Unordered, PostgreSQL was free to walk
        # the steps of every case ever handled by case id to find a reviewer's open ones
        # (128 ms on 400,000 cases, against 7 ms in order: bench/volume.py).
        n = self.object_list.values("pk")[:self.cap + 1].count()
        self.capped = n > self.cap
        return min(n, self.cap)
