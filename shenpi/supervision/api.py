"""The exchange intake's API (E4): POST /api/v1/exchange/ with `Authorization: Exchange <token>`."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from . import exchange
from .models import ExchangeSystem


class ExchangeSystemUser:
    """Who calls: a department's system, not a person (request.user for the exchange)."""

    is_authenticated = True
    is_anonymous = False
    pk = id = None

    def __init__(self, system: ExchangeSystem):
        self.system = system

    def get_username(self) -> str:
        return f"exchange:{self.system.code}"


class ExchangeTokenAuthentication(BaseAuthentication):
    keyword = "Exchange"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Authorization: Exchange <token>")
        system = exchange.system_for(parts[1].decode("latin-1"))
        if system is None:
            raise exceptions.AuthenticationFailed("令牌无效或该系统已停用")
        return ExchangeSystemUser(system), system

    def authenticate_header(self, request):
        return self.keyword


class ExchangeTokenScheme(OpenApiAuthenticationExtension):
    target_class = "shenpi.supervision.api.ExchangeTokenAuthentication"
    name = "exchangeToken"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Exchange <token>`: each department system's own token"}


class IsExchangeSystem(BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.auth, ExchangeSystem)


Person = inline_serializer("ExchangeApplicant", {
    "type": serializers.ChoiceField(choices=["1", "2", "3", "4", "5", "6"], help_text="服务对象 (GB/T 39046)"),
    "name": serializers.CharField(max_length=100), "id": serializers.CharField(max_length=18, help_text="身份证号或统一社会信用代码"),
    "phone": serializers.CharField(max_length=11)})
TIME: dict[str, Any] = {"help_text": "YYYYMMDDhhmmss", "max_length": 14}
Record = inline_serializer("ExchangeRecord", {
    "case_number": serializers.CharField(max_length=40, help_text="办件编号"),
    "item_code": serializers.CharField(max_length=24, help_text="事项实施编码"),
    "applicant": Person,
    "channel": serializers.CharField(required=False, help_text="办理形式: 1 | 2 | 3 | 4 | 9"),
    "received_at": serializers.CharField(**TIME), "received_by": serializers.CharField(required=False),
    "supplements": inline_serializer("ExchangeSupplement", {
        "at": serializers.CharField(**TIME), "person": serializers.CharField(required=False),
        "materials": serializers.ListField(child=serializers.CharField()),
        "fulfilled_at": serializers.CharField(required=False, **TIME)}, many=True, required=False),
    "refusal": inline_serializer("ExchangeRefusal", {"at": serializers.CharField(**TIME),
                                                     "reasons": serializers.CharField()}, required=False),
    "acceptance": inline_serializer("ExchangeAcceptance", {
        "at": serializers.CharField(**TIME), "person": serializers.CharField(help_text="受理人员"),
        "document_number": serializers.CharField(required=False, help_text="受理文书编号")}, required=False),
    "steps": inline_serializer("ExchangeStep", {
        "name": serializers.CharField(help_text="环节名称"), "handler": serializers.CharField(help_text="处理人"),
        "opinion": serializers.CharField(required=False), "start": serializers.CharField(**TIME),
        "end": serializers.CharField(required=False, **TIME),
        "status": serializers.CharField(help_text="待办 | 已办"),
        "action": serializers.CharField(help_text="通过 | 退回 | 其他", required=False)}, many=True, required=False),
    "special_procedures": inline_serializer("ExchangeSpecial", {
        "kind": serializers.CharField(help_text="1 | 2"), "name": serializers.CharField(help_text="听证、专家评审……"),
        "start": serializers.CharField(**TIME), "end": serializers.CharField(required=False, **TIME),
        "reason": serializers.CharField(), "expected_days": serializers.IntegerField(min_value=1, max_value=365),
        "result": serializers.CharField(required=False)}, many=True, required=False),
    "result": inline_serializer("ExchangeResult", {
        "decision": serializers.CharField(help_text="1 准予许可, 2 不予许可: 1 | 2"),
        "at": serializers.CharField(**TIME), "person": serializers.CharField(),
        "licence_number": serializers.CharField(required=False), "reasons": serializers.CharField(required=False),
        "remedies": serializers.CharField(required=False)}, required=False),
    "fees": inline_serializer("ExchangeFee", {"name": serializers.CharField(),
                                              "amount_fen": serializers.IntegerField(min_value=0)}, many=True, required=False),
    "delivery": inline_serializer("ExchangeDelivery", {"at": serializers.CharField(**TIME),
                                                       "method": serializers.CharField()}, required=False),
})
Batch = inline_serializer("ExchangeBatch", {"records": Record.__class__(many=True)})
Stored = inline_serializer("ExchangeStored", {"created": serializers.IntegerField(), "updated": serializers.IntegerField(),
                                              "cases": serializers.ListField(child=serializers.CharField())})
Refusal = inline_serializer("ExchangeRefused", {
    "detail": serializers.CharField(),
    "records": inline_serializer("ExchangeRecordErrors", {
        "index": serializers.IntegerField(allow_null=True), "case_number": serializers.CharField(allow_null=True, required=False),
        "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField()))},
        many=True, required=False, help_text="each bad record's reasons (absent when the body itself was refused)")})


class ExchangeView(APIView):
    """A department system's batch of cases: stored whole, or refused whole with each bad
    record's reasons (nothing stored)."""

    authentication_classes = [ExchangeTokenAuthentication]
    permission_classes = [IsExchangeSystem]

    @extend_schema(request=Batch, responses={200: Stored, 400: Refusal}, tags=["exchange"])
    def post(self, request):
        try:
            result = exchange.receive(request.auth, request.data)
        except exchange.BatchRefused as e:
            return Response({"detail": "整批拒收:以下记录有误,本批未存储任何记录", "records": e.errors}, status=400)
        return Response(result)
