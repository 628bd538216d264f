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


def test_the_layout_s_fixed_links_follow_the_script_prefix(client):
    """The layout's links, reversed once per process, are still reverse()'s under another
    script prefix (a centre served under a path of its host)."""
    from django.urls import set_script_prefix

    from shenpi.core.links import fixed_path
    assert fixed_path("portal:lookup") == reverse("portal:lookup") == "/lookup/"
    page = client.get("/lookup/").content.decode()
    assert 'href="/lookup/"' in page and f'href="{reverse("portal:complain")}"' in page
    try:
        set_script_prefix("/centre/")
        assert fixed_path("portal:lookup") == reverse("portal:lookup") == "/centre/lookup/"
        page = client.get("/lookup/").content.decode()
        assert 'href="/centre/lookup/"' in page and 'href="/lookup/"' not in page
    finally:
        set_script_prefix("/")
    assert fixed_path("portal:lookup") == "/lookup/"
