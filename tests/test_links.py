"""core.links.path_for gives what reverse() gives, for one key and for two, quoting included."""

from django.urls import reverse

from shenpi.core.links import path_for


def test_path_for_is_reverse_once():
    case = path_for("staff:case")
    for number in ("HY202611190001", "HY-BDC202611260001", "ZJOA20260417", "编号 1?#"):
        assert case(number) == reverse("staff:case", args=[number])
    card = path_for("staff:sv-card")
    assert [card(pk) for pk in (1, 0, 90210)] == [reverse("staff:sv-card", args=[pk]) for pk in (1, 0, 90210)]
    reassign = path_for("staff:case-reassign", keys=2)
    assert reassign("HY202611190001", 7) == reverse("staff:case-reassign", args=["HY202611190001", 7])
