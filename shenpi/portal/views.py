"""The public site: catalog and service guides (requirement A3, H1)."""

import io

import qrcode
import qrcode.image.svg
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control

from shenpi.cases import lookup as lookup_guard
from shenpi.cases.selectors import deemed_by_law
from shenpi.catalog import selectors
from shenpi.catalog.codes import Category
from shenpi.core.exceptions import TooMany
from shenpi.core.params import whole_number
from shenpi.core.public import public_page
from shenpi.core.throttle import client_address
from shenpi.org.models import Department


@public_page
def catalog(request):
    q = request.GET.get("q", "").strip()[:100]
    department = request.GET.get("department", "")
    category = request.GET.get("category", "")
    online = request.GET.get("online", "")
    versions = selectors.public_catalog(
        q=q,
        department=whole_number(department),
        category=category if category in Category.values else "",
        online=True if online == "1" else None,
    )
    page = Paginator(versions, 20).get_page(request.GET.get("page"))
    from shenpi.joint.models import Bundle
    context = {
        "bundles": list(Bundle.objects.filter(active=True)) if not (q or department or category or online) else [],
        "page": page, "q": q, "department": department, "category": category, "online": online,
        "departments": Department.objects.filter(items__versions__status="published").distinct(),
        "categories": Category.choices,
    }
    # htmx asks for the results only while the visitor types.
    template = "portal/_results.html" if request.headers.get("HX-Request") else "portal/catalog.html"
    return render(request, template, context)


def _version_or_404(code):
    version = selectors.guide_version(code)
    if version is None:
        raise Http404
    return version


@public_page
def guide(request, code):
    version = _version_or_404(code)
    availability = selectors.item_availability(version.item)
    return render(request, "portal/guide.html", {
        "v": version,
        "availability": availability,
        "has_forms": any(m.blank_form or m.sample for m in version.materials.all()),
        "flow_days": sum(max((s.budget for s in st.steps.all()), default=0) for st in version.stages.all()),
        "guide_url": request.build_absolute_uri(reverse("portal:guide", args=[code])),
    })


@cache_control(max_age=3600, public=True)
def guide_qr(request, code):
    _version_or_404(code)
    url = request.build_absolute_uri(reverse("portal:guide", args=[code]))
    img = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buf = io.BytesIO()
    img.save(buf)
    return HttpResponse(buf.getvalue(), content_type="image/svg+xml")


def material_file(request, code, material_id, kind):
    version = _version_or_404(code)
    material = version.materials.filter(pk=material_id).first()
    if material is None or kind not in {"blank_form", "sample"}:
        raise Http404
    f = getattr(material, kind)
    if not f:
        raise Http404
    return FileResponse(f.open("rb"), as_attachment=True, filename=f.name.rsplit("/", 1)[-1])


def _looked_up(request):
    return lookup_guard.find(address=client_address(request), number=request.GET.get("number", ""),
                             code=request.GET.get("code", ""))


def lookup(request):
    """The applicant's lookup: case number and the query code from the receipt, no account needed.
    The guard counts, the case is read by its number with a generic plan and the count given
    back in one short transaction (cases.lookup.find), committed before the page is drawn."""
    asked = bool(request.GET.get("number") and request.GET.get("code"))
    refused, status = "", 200
    try:
        case = _looked_up(request) if asked else None
    except TooMany as exc:
        case, refused, status = None, exc.user_message(), 429
    return render(request, "portal/lookup.html", {
        "case": case, "asked": asked, "refused": refused,
        "number": request.GET.get("number", ""), "code": request.GET.get("code", ""),
        "deemed_by_law": bool(case) and deemed_by_law(case, timezone.localdate()),
        "events": case.event_list() if case else [], "notices": case.notice_list() if case else []},
        status=status)


def lookup_notice(request, notice_id):
    from shenpi.cases.api import notice_pdf_response
    try:
        case = _looked_up(request)
    except TooMany as exc:
        return HttpResponse(exc.user_message(), status=429, content_type="text/plain; charset=utf-8",
                            headers={"Retry-After": str(exc.retry_after)})
    from shenpi.cases.archive import notice_of
    notice = notice_of(case, notice_id) if case else None
    if notice is None:
        raise Http404
    return notice_pdf_response(request, notice)


@cache_control(max_age=60, public=True)
def results(request):
    """办结公示: completed cases, the applicant masked, newest decision first (H1)."""
    from shenpi.cases import openness
    department = whole_number(request.GET.get("department", ""))
    found = openness.results(page=whole_number(request.GET.get("page", "")) or 1, department=department)
    return render(request, "portal/results.html", {
        **found, "department": department,
        "departments": Department.objects.filter(items__publish_results=True).distinct().order_by("pk")})


@cache_control(max_age=300, public=True)
def statistics(request):
    """This year's work of the centre in figures and a chart by month (H1)."""
    from shenpi.cases import openness
    return render(request, "portal/statistics.html", {"f": openness.statistics()})


@cache_control(max_age=300, public=True)
def campaign(request):
    """The rectification campaign as the public follows it (§六): its phases and the published
    inspection results, commended and criticised units alike."""
    from shenpi.campaign import selectors as campaign_selectors
    running = campaign_selectors.current_campaign()
    on = timezone.localdate()
    phases = list(running.phases.order_by("order")) if running else []
    for p in phases:
        p.stage = "done" if p.ends_on < on else "current" if p.starts_on <= on else "upcoming"
    return render(request, "portal/campaign.html", {
        "campaign": running, "phases": phases, "results": list(campaign_selectors.published_inspections()[:100])})


@public_page
def intermediaries(request):
    """中介超市: the register, searchable by name, credit code or service (H2)."""
    from shenpi.intermediaries import selectors as register
    q = request.GET.get("q", "").strip()[:100]
    service = request.GET.get("service", "")[:100]
    page = Paginator(register.search(q=q, service=service), 20).get_page(request.GET.get("page"))
    return render(request, "portal/intermediaries.html", {
        "page": page, "orgs": register.with_states(page.object_list), "q": q, "service": service,
        "services": register.service_names()})


@public_page
def intermediary(request, pk):
    from shenpi.intermediaries import selectors as register
    found = register.search().filter(pk=pk).first()
    if found is None:
        raise Http404
    return render(request, "portal/intermediary.html", {"org": register.with_states([found])[0]})
