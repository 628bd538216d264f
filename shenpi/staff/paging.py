"""Pages of lists that may hold more than anyone reads."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts no further than `cap` rows: a province's supervisor searching every case, or a
    department with tens of thousands of open steps, would otherwise wait for a count of all of
    them on each page. Past the cap the page says "more than" and the pages stop there (a
    narrower search, or the most urgent first, is what a person works through; the dashboards
    have the exact figures)."""

    def __init__(self, object_list, per_page, cap=10_000, counted=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.capped = False
        self.counted = counted  # the same rows, written to be counted (the list's own by default)

    @cached_property
    def count(self):
        # Unordered: the count stops after cap + 1 rows instead of sorting them all.
        n = (self.counted if self.counted is not None else self.object_list).order_by()[:self.cap + 1].count()
        self.capped = n > self.cap
        return min(n, self.cap)
