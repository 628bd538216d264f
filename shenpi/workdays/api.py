"""Working-day clock API: public, read-only, 400 with the reason on bad input."""

from datetime import date

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .calendar import CalendarRangeError
from .parsing import parse_date, parse_n, range_message
from .selectors import current_calendar

PROVISIONAL_HELP = ("The answer reaches into the year after the last known one, counted Monday to Friday until "
                    "its official holiday schedule is entered (暂定)")


class AddResult(serializers.Serializer):
    date = serializers.DateField()
    n = serializers.IntegerField()
    result = serializers.DateField()
    provisional = serializers.BooleanField(help_text=PROVISIONAL_HELP)


class BetweenResult(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    workdays = serializers.IntegerField(help_text="Working days after start up to and including end")
    provisional = serializers.BooleanField(help_text=PROVISIONAL_HELP)


class DayResult(serializers.Serializer):
    date = serializers.DateField()
    is_workday = serializers.BooleanField()
    is_swapped_workday = serializers.BooleanField(help_text="A weekend day worked in exchange (调休)")
    name = serializers.CharField(help_text="The holiday the day belongs to")
    provisional = serializers.BooleanField(help_text=PROVISIONAL_HELP)


class ClockView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []  # public reference data; no session, so no CSRF either

    def run(self, request, fields):
        errors, values = {}, {}
        for name, parse in fields.items():
            raw = request.query_params.get(name)
            if raw in (None, ""):
                errors[name] = ["This parameter is required."]
                continue
            try:
                values[name] = parse(raw, name)
            except ValueError as exc:
                errors[name] = [str(exc)]
        if errors:
            raise serializers.ValidationError(errors)
        cal = current_calendar()
        try:
            cal.require(*(v for v in values.values() if isinstance(v, date)))
            return self.compute(cal, **values)
        except CalendarRangeError as exc:
            # Name the input that is outside the calendar, or the first input when the answer is.
            field = next((k for k, v in values.items() if v == exc.day), next(iter(values)))
            raise serializers.ValidationError({field: [range_message(exc)]}) from None


class AddView(ClockView):
    @extend_schema(parameters=[OpenApiParameter("date", str, required=True, description="YYYY-MM-DD"),
                               OpenApiParameter("n", int, required=True, description="Working days (negative: before)")],
                   responses=AddResult, summary="The n-th working day after a date")
    def get(self, request):
        return Response(AddResult(self.run(request, {"date": parse_date, "n": parse_n})).data)

    def compute(self, cal, *, date, n):
        result = cal.add_workdays_strict(date, n)  # a period reaching past the provisional year is refused
        return {"date": date, "n": n, "result": result, "provisional": cal.is_provisional(max(date, result))}


class BetweenView(ClockView):
    @extend_schema(parameters=[OpenApiParameter("start", str, required=True, description="YYYY-MM-DD"),
                               OpenApiParameter("end", str, required=True, description="YYYY-MM-DD")],
                   responses=BetweenResult, summary="Working days after start up to and including end")
    def get(self, request):
        return Response(BetweenResult(self.run(request, {"start": parse_date, "end": parse_date})).data)

    def compute(self, cal, *, start, end):
        return {"start": start, "end": end, "workdays": cal.workdays_between(start, end),
                "provisional": cal.is_provisional(max(start, end))}


class DayView(ClockView):
    @extend_schema(parameters=[OpenApiParameter("date", str, required=True, description="YYYY-MM-DD")],
                   responses=DayResult, summary="Whether a date is a working day, and why")
    def get(self, request):
        return Response(DayResult(self.run(request, {"date": parse_date})).data)

    def compute(self, cal, *, date):
        info = cal.info(date)
        return {"date": date, "is_workday": info.is_workday, "is_swapped_workday": info.is_swapped_workday,
                "name": info.name, "provisional": info.provisional}
