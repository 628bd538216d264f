"""Cases API: thin views; reads through selectors, every action through a service."""

from typing import cast

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from shenpi.catalog.models import Item
from shenpi.core.api import Detail, KeysetPagination
from shenpi.core.params import whole_number
from shenpi.core.throttle import client_address

from . import lookup, openness, selectors, services
from .actions import ACTIONS, STEP_ACTIONS, ReassignIn, parse, perform
from .identity import mask
from .lifecycle import State, actions_from
from .models import Case, StepTask


def clock_context() -> dict:
    from django.utils import timezone

    from shenpi.workdays.selectors import current_calendar
    return {"cal": current_calendar(), "on": timezone.localdate()}


PROVISIONAL_HELP = ("Counted before the official holiday schedule of its year was known (暂定): Monday to Friday; "
                    "recounted when the schedule is entered")


class StepOut(serializers.ModelSerializer):
    assignee = serializers.CharField(source="assignee.username", allow_null=True, default=None)
    department = serializers.CharField(source="department.name")
    department_id = serializers.IntegerField(read_only=True)
    due_provisional = serializers.SerializerMethodField(help_text=PROVISIONAL_HELP)

    class Meta:
        model = StepTask
        fields = ["id", "stage_order", "stage_name", "name", "role", "department", "department_id", "assignee", "budget",
                  "started_on", "due_on", "due_provisional", "status", "outcome", "opinion", "completed_at"]

    def get_due_provisional(self, obj) -> bool:
        cal = self.context["cal"] if "cal" in self.context else clock_context()["cal"]
        return cal.is_provisional(obj.due_on)


class EventOut(serializers.Serializer):
    seq = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor_name")
    action = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    payload = serializers.JSONField()


class ClockOut(serializers.Serializer):
    due = serializers.DateField(allow_null=True)
    remaining = serializers.IntegerField(allow_null=True, help_text="Working days left; negative when overdue")
    colour = serializers.CharField()
    provisional = serializers.BooleanField(help_text=PROVISIONAL_HELP)


def clock_out(clock: dict) -> dict:
    """A clock as ClockOut writes it, without a serializer per row (a list has fifty)."""
    due = clock["due"]
    return {"due": due.isoformat() if due else None, "remaining": clock["remaining"], "colour": clock["colour"],
            "provisional": bool(clock["provisional"])}


class CaseSummary(serializers.ModelSerializer):
    item_name = serializers.CharField(source="version.name")
    applicant_id = serializers.SerializerMethodField()
    promised = serializers.SerializerMethodField()
    provisional_dates = serializers.SerializerMethodField(
        help_text="The date fields of this case that are provisional. " + PROVISIONAL_HELP)

    class Meta:
        model = Case
        fields = ["number", "item", "item_name", "department", "channel", "state", "applicant_name", "applicant_id",
                  "received_on", "accepted_on", "promised_due", "statutory_due", "promised", "provisional_dates",
                  "row_version"]

    def get_applicant_id(self, obj) -> str:
        return mask(obj.applicant_id)

    @extend_schema_field(ClockOut)
    def get_promised(self, obj) -> dict:
        return clock_out(self._clocks(obj).get("promised") or {"due": obj.promised_due, "remaining": None, "colour": "",
                                                               "provisional": False})

    def get_provisional_dates(self, obj) -> list[str]:
        return selectors.provisional_dates(obj, self._ctx()["cal"])

    def _ctx(self) -> dict:
        # One calendar and one "today" for the whole list: the calendar's version is read once.
        context = cast(dict, self.context)
        if "cal" not in context:
            context.update(clock_context())
        return context

    def _clocks(self, obj) -> dict:
        ctx = self._ctx()
        return selectors.clock_view(obj, on=ctx["on"], cal=ctx["cal"])


def _day(value):
    return value.isoformat() if value else None


def summaries(cases, context: dict) -> list[dict]:
    """The cases as CaseSummary writes them, built directly (`context`: clock_context()): a
    list has fifty rows and the serializer's per-field machinery cost about a third of the
    list's time (issue 16). tests/scale/test_query_counts.py holds the two equal."""
    on, cal = context["on"], context["cal"]
    return [_summary(c, selectors.clock_view(c, on=on, cal=cal), cal) for c in cases]


def _summary(c: Case, clocks: dict, cal) -> dict:
    promised = clocks.get("promised") or {"due": c.promised_due, "remaining": None, "colour": "", "provisional": False}
    return {"number": c.number, "item": c.item_id, "item_name": c.version.name,
            "department": c.department_id, "channel": c.channel, "state": c.state,
            "applicant_name": c.applicant_name, "applicant_id": mask(c.applicant_id),
            "received_on": _day(c.received_on), "accepted_on": _day(c.accepted_on),
            "promised_due": _day(c.promised_due), "statutory_due": _day(c.statutory_due),
            "promised": clock_out(promised), "provisional_dates": selectors.provisional_dates(c, cal),
            "row_version": c.row_version}


# What a summary reads of the case (its fields, the clocks' dates and state).
SUMMARY_COLUMNS = ("id", "number", "item_id", "version_id", "department_id", "channel", "state", "applicant_name",
                   "applicant_id", "received_at", "received_on", "accepted_on", "clock_start", "deemed_accepted",
                   *Case.DUE_DATES, "row_version")


class NoticeOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    number = serializers.CharField()
    title = serializers.CharField()
    issued_at = serializers.DateTimeField()


class CaseDetail(CaseSummary):
    clocks = serializers.SerializerMethodField()
    notices = NoticeOut(many=True, read_only=True, source="notice_list")
    steps = StepOut(many=True, read_only=True)
    events = EventOut(many=True, read_only=True, source="event_list")
    actions = serializers.SerializerMethodField()
    deemed_accepted = serializers.SerializerMethodField(
        help_text="Accepted by law (Art. 32): the acceptance period passed with no supplement notice or refusal, "
                  "whether or not the acceptance has been recorded yet")
    accepted_on = serializers.SerializerMethodField(help_text="Recorded acceptance, or receipt when deemed by law")

    class Meta(CaseSummary.Meta):
        fields = [*CaseSummary.Meta.fields, "query_code", "acceptance_due", "deemed_accepted", "statutory_limit",
                  "promised_limit", "extension_days", "suspended_days", "decision", "decided_on", "licence_number",
                  "decision_reasons", "remedies", "delivery_due", "delivered_on", "delivery_method", "clocks",
                  "steps", "events", "notices", "actions"]

    def get_clocks(self, obj) -> dict:
        return {k: clock_out(v) for k, v in self._clocks(obj).items()}

    def get_deemed_accepted(self, obj) -> bool:
        return selectors.deemed_by_law(obj, self._ctx()["on"])

    def get_accepted_on(self, obj) -> str | None:
        if obj.accepted_on is None and self.get_deemed_accepted(obj):
            return obj.clock_start.isoformat()
        return obj.accepted_on.isoformat() if obj.accepted_on else None

    def get_actions(self, obj) -> list[str]:
        return actions_from(obj.state)


class SubmitIn(serializers.Serializer):
    # With its department, which the case takes (one read, not two).
    item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.select_related("department"))
    channel = serializers.ChoiceField(choices=Case.Channel.choices)
    applicant_type = serializers.ChoiceField(choices=Case.ApplicantType.choices)
    applicant_name = serializers.CharField(max_length=100)
    applicant_id = serializers.CharField(max_length=18)
    applicant_phone = serializers.CharField(max_length=11)
    paper_materials = serializers.ListField(child=serializers.CharField(max_length=200), required=False, default=list)


def _visible(request, number) -> Case:
    return get_object_or_404(selectors.cases_visible_to(request.user), number=number)


def _detail(case) -> dict:
    case = Case.objects.prefetch_related("steps__assignee", "steps__department", "events", "notices").select_related(
        "version").get(pk=case.pk)
    return detail(case, clock_context())


_MOMENT = serializers.DateTimeField()  # how the API writes a moment (settings' format, time zone)


def _moment(value):
    return None if value is None else _MOMENT.to_representation(value)


def detail(case: Case, context: dict) -> dict:
    """The case as CaseDetail writes it, built directly: every action through the API answers
    with it, and the serializer's field machinery (the nested steps, history and notices) cost
    a sixth of a submission's time (issue 16). tests/scale/test_query_counts.py holds the two
    equal on every demo case."""
    on, cal = context["on"], context["cal"]
    clocks = selectors.clock_view(case, on=on, cal=cal)
    out = _summary(case, clocks, cal)
    deemed = selectors.deemed_by_law(case, on)
    out["accepted_on"] = case.clock_start.isoformat() if case.accepted_on is None and deemed else _day(
        case.accepted_on)
    out.update({
        "query_code": case.query_code, "acceptance_due": _day(case.acceptance_due), "deemed_accepted": deemed,
        "statutory_limit": case.statutory_limit, "promised_limit": case.promised_limit,
        "extension_days": case.extension_days, "suspended_days": case.suspended_days, "decision": case.decision,
        "decided_on": _day(case.decided_on), "licence_number": case.licence_number,
        "decision_reasons": case.decision_reasons, "remedies": case.remedies, "delivery_due": _day(case.delivery_due),
        "delivered_on": _day(case.delivered_on), "delivery_method": case.delivery_method,
        "clocks": {k: clock_out(v) for k, v in clocks.items()},
        "steps": [{
            "id": st.id, "stage_order": st.stage_order, "stage_name": st.stage_name, "name": st.name, "role": st.role,
            "department": st.department.name, "department_id": st.department_id,
            "assignee": st.assignee.username if st.assignee is not None else None, "budget": st.budget,
            "started_on": _day(st.started_on), "due_on": _day(st.due_on), "due_provisional": cal.is_provisional(st.due_on),
            "status": st.status, "outcome": st.outcome, "opinion": st.opinion, "completed_at": _moment(st.completed_at),
        } for st in case.steps.all()],
        "events": [{"seq": e.seq, "at": _moment(e.at), "actor": e.actor_name, "action": e.action,
                    "from_state": e.from_state, "to_state": e.to_state, "payload": e.payload}
                   for e in case.event_list()],
        "notices": [{"id": n.id, "kind": n.kind, "number": n.number, "title": n.title, "issued_at": _moment(n.issued_at)}
                    for n in case.notice_list()],
        "actions": actions_from(case.state),
    })
    return out


class CaseListView(GenericAPIView):
    """A page of the cases the caller may see (the schema documents the page object)."""

    permission_classes = [IsAuthenticated]
    pagination_class = KeysetPagination
    serializer_class = CaseSummary
    queryset = Case.objects.none()  # for the schema; requests use cases_visible_to

    @extend_schema(responses=CaseSummary(many=True), parameters=[
        OpenApiParameter("state", str, enum=State.values), OpenApiParameter("q", str)])
    def get(self, request):
        # The summary reads the case's own columns and its version's name: no other row is joined.
        qs = selectors.cases_visible_to(request.user).select_related(None).select_related("version").only(
            *SUMMARY_COLUMNS, "version__name")
        if request.query_params.get("state"):
            qs = qs.filter(state=request.query_params["state"])
        if request.query_params.get("q"):
            qs = qs.filter(number__icontains=request.query_params["q"].strip())
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(summaries(page, clock_context()))

    @extend_schema(request=SubmitIn, responses={201: CaseDetail, 200: CaseDetail}, parameters=[
        OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER,
                         description="Retrying with the same key returns the case made the first time")])
    def post(self, request):
        s = SubmitIn(data=request.data)
        s.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key") or None
        if key and len(key) > 100:
            raise serializers.ValidationError({"Idempotency-Key": ["At most 100 characters."]})
        case, created = services.submit_once(actor=request.user, idempotency_key=key, **s.validated_data)
        return Response(_detail(case), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class CaseDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=CaseDetail)
    def get(self, request, number):
        return Response(_detail(_visible(request, number)))


class CaseActionView(APIView):
    permission_classes = [IsAuthenticated]
    action_name = ""

    def post(self, request, number):
        case = _visible(request, number)
        services.ensure_may(actor=request.user, case=case, action=self.action_name)
        values, version = parse(ACTIONS, self.action_name, request.data)
        if version is None and request.headers.get("If-Match"):
            version = whole_number(request.headers["If-Match"].strip().removeprefix("W/").strip('"'))
            if version is None:
                raise serializers.ValidationError({"If-Match": [_("The case version is a whole number written in digits 0-9.")]})
        perform(ACTIONS, self.action_name, actor=request.user, case=case, values=values, version=version)
        return Response(_detail(case))


def action_view(name):
    @extend_schema(request=ACTIONS[name].input, responses=CaseDetail, operation_id=f"cases_{name}",
                   summary=f"{name.title()} a case")
    def post(self, request, number):
        return CaseActionView.post(self, request, number)

    return type(f"Case{name.title()}View", (CaseActionView,), {"action_name": name, "post": post}).as_view()


class StepActionView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=STEP_ACTIONS["complete_step"].input, responses=CaseDetail,
                   operation_id="cases_steps_complete")
    def post(self, request, number, step_id):
        case = _visible(request, number)
        services.ensure_may(actor=request.user, case=case, action="complete_step",
                            step=get_object_or_404(StepTask, pk=step_id, case=case))
        values, version = parse(STEP_ACTIONS, "complete_step", request.data)
        perform(STEP_ACTIONS, "complete_step", actor=request.user, case=case, values=values, version=version,
                step_id=step_id)
        return Response(_detail(case))


class StepReassignView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReassignIn, responses=CaseDetail, operation_id="cases_steps_reassign")
    def post(self, request, number, step_id):
        from django.contrib.auth import get_user_model
        case = _visible(request, number)
        services.ensure_may(actor=request.user, case=case, action="reassign",
                            step=get_object_or_404(StepTask, pk=step_id, case=case))
        s = ReassignIn(data=request.data)
        s.is_valid(raise_exception=True)
        assignee = get_user_model().objects.filter(username=s.validated_data["assignee"]).first()
        if assignee is None:
            raise serializers.ValidationError({"assignee": ["No such user."]})
        services.reassign(actor=request.user, case=case, step_id=step_id, assignee=assignee,
                          reason=s.validated_data["reason"], expected_version=s.validated_data.get("version"))
        return Response(_detail(case))


class ExtensionOut(serializers.Serializer):
    days = serializers.IntegerField()
    reason = serializers.CharField()
    on = serializers.DateField()


class LookupOut(serializers.Serializer):
    number = serializers.CharField()
    item_name = serializers.CharField(source="version.name")
    state = serializers.CharField()
    received_on = serializers.DateField()
    accepted_on = serializers.DateField(allow_null=True)
    promised_due = serializers.DateField(allow_null=True)
    statutory_due = serializers.DateField(allow_null=True)
    decided_on = serializers.DateField(allow_null=True)
    delivery_due = serializers.DateField(allow_null=True)
    delivered_on = serializers.DateField(allow_null=True)
    extension = serializers.SerializerMethodField()
    provisional_dates = serializers.SerializerMethodField(help_text=PROVISIONAL_HELP)

    @extend_schema_field(ExtensionOut(allow_null=True))
    def get_extension(self, obj) -> dict | None:
        from .models import Extension
        ext = Extension.objects.filter(case=obj).first()
        return ExtensionOut(ext).data if ext else None

    def get_provisional_dates(self, obj) -> list[str]:
        return selectors.provisional_dates(obj, clock_context()["cal"])


class LookupView(APIView):
    """The applicant's lookup: case number and query code, no account needed."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(parameters=[OpenApiParameter("number", str, required=True), OpenApiParameter("code", str, required=True)],
                   responses={200: LookupOut, 404: Detail, 429: Detail})
    def get(self, request):
        case = lookup.find(address=client_address(request), number=request.query_params.get("number", ""),
                           code=request.query_params.get("code", ""))
        if case is None:
            return Response({"detail": _("No case with that number and query code.")}, status=status.HTTP_404_NOT_FOUND)
        return Response(LookupOut(case).data)




class PublicResultOut(serializers.Serializer):
    number = serializers.CharField()
    item = serializers.CharField()
    department = serializers.CharField()
    applicant = serializers.CharField(help_text="masked: a person's surname, the ends of an organisation's name")
    received_on = serializers.DateField()
    decided_on = serializers.DateField()
    decision = serializers.ChoiceField(choices=Case.Decision.choices, source="result")


class PublicResultsView(APIView):
    """办结公示 (H1): completed cases of the items whose results are published, newest first,
    the applicant masked; 20 a page, the last 50 pages."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(parameters=[OpenApiParameter("page", int), OpenApiParameter("department", int)],
                   responses={200: inline_serializer("PublicResults", {
                       "page": serializers.IntegerField(), "has_next": serializers.BooleanField(),
                       "results": PublicResultOut(many=True)})}, tags=["public"])
    def get(self, request):
        found = openness.results(page=whole_number(request.query_params.get("page", "")) or 1,
                                 department=whole_number(request.query_params.get("department", "")))
        return Response({"page": found["page"], "has_next": found["has_next"],
                         "results": PublicResultOut(found["rows"], many=True).data})


class PublicStatisticsView(APIView):
    """This year's cases received and completed and the on-time rate, by department and month."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, tags=["public"])
    def get(self, request):
        f = openness.statistics()
        return Response({"on": f["on"].isoformat(), "year": f["year"], "received": f["received"],
                         "completed": f["completed"], "on_time_rate": f["on_time_rate"],
                         "departments": f["departments"],
                         "months": [{"month": m["month"].strftime("%Y-%m"), "received": m["received"],
                                     "completed": m["completed"]} for m in f["months"]]})


class MaterialOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    paper = serializers.BooleanField()
    original_name = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


class MaterialUploadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request={"multipart/form-data": inline_serializer(
        "MaterialUpload", {"name": serializers.CharField(), "file": serializers.FileField()})},
        responses={201: MaterialOut}, operation_id="cases_materials_upload")
    def post(self, request, number):
        case = _visible(request, number)
        upload = request.FILES.get("file")
        if upload is None:
            raise serializers.ValidationError({"file": ["Attach the material as “file”."]})
        material = services.add_material(actor=request.user, case=case, name=request.data.get("name", ""), upload=upload)
        return Response(MaterialOut(material).data, status=status.HTTP_201_CREATED)


class MaterialDownloadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY}, operation_id="cases_materials_download")
    def get(self, request, number, material_id):
        from django.http import FileResponse, Http404
        case = _visible(request, number)
        material = case.materials.filter(pk=material_id).exclude(file="").first()
        if material is None:
            raise Http404
        return FileResponse(material.file.open("rb"), as_attachment=True, filename=material.original_name)


def lookup_url(request, case) -> str:
    from django.urls import reverse
    return request.build_absolute_uri(reverse("portal:lookup")) + f"?number={case.number}"


def notice_pdf_response(request, notice):
    from django.http import HttpResponse

    from .notices import render_pdf
    response = HttpResponse(render_pdf(notice, lookup_url=lookup_url(request, notice.case)), content_type="application/pdf")
    # Opened in the browser for printing; ?download=1 saves it instead.
    disposition = "attachment" if request.GET.get("download") == "1" else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{notice.number}.pdf"'
    return response


class NoticePdfView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY}, operation_id="cases_notices_pdf")
    def get(self, request, number, notice_id):
        case = _visible(request, number)
        from .archive import notice_of
        notice = notice_of(case, notice_id)
        if notice is None:
            raise Http404
        return notice_pdf_response(request, notice)
