"""Every page a person opens in the zh-hans locale speaks Chinese (issue 10): a walk over the
public pages, the applicant's, each role's staff pages, every case page and the admin's lists,
failing on any visible English word outside an allow-list of proper names and codes."""

import io
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from shenpi.cases.models import Case
from shenpi.catalog.models import Item

pytestmark = pytest.mark.django_db

# Proper names and codes a Chinese page may show as they are.
ALLOWED = {"API", "Shenpi", "Excel", "xlsx", "pdf", "PDF", "jpg", "png", "ofd", "OFD", "JPG", "PNG", "ID", "IP",
           "HTTP", "GET", "POST", "Accept", "QR", "chinesecalendar", "GB", "T"}
CODES = re.compile(r"<unknown>|https?://\S+|[\w.-]+\.(?:pdf|jpg|jpeg|png|ofd|xlsx)\b|[A-Z]{2,}(?:-[A-Z]+)?\d{8,}(?:-[A-Z]+\d*)?|\b\d+[A-Z]\d*\b"
                   r"|\b[0-9A-Z]{18}\b|(?<![0-9A-Za-z])[2-9A-HJKMNP-Z]{8}(?![0-9A-Za-z])")  # credit codes, query codes


class Visible(HTMLParser):
    """The text a person sees: no scripts or styles, nothing visually hidden, nothing marked
    lang="en" (the language switch naming English in English)."""

    SKIP_TAGS = {"script", "style", "title"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack, self.text = [], []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        a = dict(attrs)
        hidden = (tag in self.SKIP_TAGS or "visually-hidden" in (a.get("class") or "") or "hidden" in a
                  or a.get("lang") == "en" or (self.stack and self.stack[-1]))
        self.stack.append(bool(hidden))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.text.append(data)


def english_words(page: str, names: set[str]) -> set[str]:
    parser = Visible()
    parser.feed(page)
    text = CODES.sub(" ", " ".join(parser.text))
    return {w for w in re.findall(r"[A-Za-z][\w'-]*", text) if w not in ALLOWED and w not in names}


def admin_lists() -> list[str]:
    urls = ["/admin/"]
    for model in apps.get_models():
        try:
            urls.append(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
        except NoReverseMatch:
            continue
    return urls


def test_every_page_speaks_chinese(client, on):
    on(2026, 11, 27)
    call_command("demo-data", "--cases", stdout=io.StringIO())
    User = get_user_model()
    from shenpi.org.models import Centre
    from shenpi.supervision.models import ExchangeSystem
    names = (set(User.objects.values_list("username", flat=True)) | set(Centre.objects.values_list("code", flat=True))
             | set(ExchangeSystem.objects.values_list("code", flat=True)))
    # One case page for each state of each item (the demo has several alike; each renders the same
    # words), so the walk stays within CI's time.
    numbers = list({(state, version): number for number, state, version in Case.objects.order_by("-pk").values_list(
        "number", "state", "version_id")}.values())
    mine = Case.objects.filter(applicant_user__username="13800138000").values_list("number", flat=True)
    looked_up = Case.objects.filter(state="accepted").first()
    from shenpi.feedback.models import Complaint, FollowUp, Rating
    from shenpi.feedback.services import link_token
    from shenpi.joint.models import Project
    from shenpi.supervision.models import Card, Order
    complaints = list(Complaint.objects.all())
    follow_ups = list(FollowUp.objects.values_list("pk", flat=True))
    rated = Rating.objects.filter(follow_up__rectified_at__isnull=False).first().case
    pages = {
        None: ["/", "/login/", "/register/", "/lookup/", "/no-such-page/", "/password/forgot/", "/password/reset/",
               f"/lookup/?number={looked_up.number}&code={looked_up.query_code}",
               *[f"/guide/{i.implementation_code}/" for i in Item.objects.all()[:5]],
               "/complaints/new/", "/complaints/lookup/", f"/rate/{link_token(rated)}/",
               f"/rate/{link_token(rated, again=True)}/", "/rate/expired/",
               *[f"/complaints/lookup/?number={c.number}&code={c.query_code}" for c in complaints if c.query_code]],
        "13800138000": ["/my/", *[f"/my/{n}/" for n in mine], "/staff/", "/my/complaints/", "/complaints/new/"],
    }
    staff_pages = ["/staff/", "/staff/inbox/", "/staff/window/", "/staff/tasks/", "/staff/queue/", "/staff/search/",
                   "/staff/search/?overdue=on", "/staff/catalog/figures/", "/staff/catalog/transfer/",
                   "/staff/search/?light=red", "/staff/supervision/", "/staff/supervision/screen/",
                   "/staff/supervision/cards/", "/staff/supervision/findings/", "/staff/supervision/orders/",
                   "/staff/supervision/accountability/", "/staff/joint/figures/", "/staff/projects/",
                   *[f"/staff/projects/{c}/" for c in Project.objects.values_list("code", flat=True)],
                   *[f"/staff/supervision/cards/{pk}/" for pk in Card.objects.values_list("pk", flat=True)[:5]],
                   *[f"/staff/supervision/orders/{pk}/" for pk in Order.objects.values_list("pk", flat=True)],
                   *[f"/staff/cases/{n}/" for n in numbers],
                   "/staff/feedback/", "/staff/feedback/figures/", "/staff/complaints/", "/staff/complaints/new/",
                   "/staff/window/tablet/", *[f"/staff/complaints/{c.number}/" for c in complaints],
                   *[f"/staff/follow-ups/{pk}/" for pk in follow_ups]]
    for name in ("clerk", "reviewer", "approver", "depthead", "handler", "supervisor", "leader", "chief_sj",
                 "clerk_general", "approver_fg"):
        pages[name] = staff_pages
    pages["admin"] = staff_pages + admin_lists()
    problems = {}
    for name, urls in pages.items():
        c = client.__class__()
        if name:
            c.force_login(User.objects.get(username=name))
        for url in urls:
            r = c.get(url)
            if "html" not in r.get("Content-Type", ""):
                continue
            for word in english_words(r.content.decode(), names):
                problems.setdefault(word, []).append(f"{name or 'public'} {url}")
    for word, places in sorted(problems.items()):
        print("ENGLISH", word, places[:3])
    assert not problems, sorted(problems)
