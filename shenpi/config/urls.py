from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from shenpi.campaign import api as campaign_api
from shenpi.cases import api as cases_api
from shenpi.catalog import api as catalog_api
from shenpi.feedback import api as feedback_api
from shenpi.intermediaries import api as intermediaries_api
from shenpi.joint import api as joint_api
from shenpi.org import accounts
from shenpi.org import api as org_api
from shenpi.supervision import api as supervision_api
from shenpi.workdays import api as workdays_api

router = DefaultRouter()
router.register("org/centres", org_api.CentreViewSet, basename="centre")
router.register("org/departments", org_api.DepartmentViewSet, basename="department")
router.register("org/windows", org_api.WindowViewSet, basename="window")
router.register("org/project-groups", org_api.ProjectGroupViewSet, basename="project-group")
router.register("org/staff", org_api.StaffViewSet, basename="staff")
router.register("catalog/items", catalog_api.ItemViewSet, basename="item")

api_v1 = [
    path("catalog/figures/", catalog_api.FiguresView.as_view(), name="catalog-figures"),
    path("catalog/export/", catalog_api.ExportView.as_view(), name="catalog-export"),
    path("catalog/import/", catalog_api.ImportView.as_view(), name="catalog-import"),
    path("workdays/add", workdays_api.AddView.as_view(), name="workdays-add"),
    path("workdays/between", workdays_api.BetweenView.as_view(), name="workdays-between"),
    path("workdays/day", workdays_api.DayView.as_view(), name="workdays-day"),
    path("cases/", cases_api.CaseListView.as_view(), name="cases"),
    path("cases/lookup/", cases_api.LookupView.as_view(), name="cases-lookup"),
    path("cases/<str:number>/", cases_api.CaseDetailView.as_view(), name="case-detail"),
    *[path(f"cases/<str:number>/{name}/", cases_api.action_view(name), name=f"case-{name}") for name in cases_api.ACTIONS],
    path("cases/<str:number>/materials/", cases_api.MaterialUploadView.as_view(), name="case-materials"),
    path("cases/<str:number>/materials/<int:material_id>/", cases_api.MaterialDownloadView.as_view(),
         name="case-material-download"),
    path("cases/<str:number>/notices/<int:notice_id>/pdf/", cases_api.NoticePdfView.as_view(), name="case-notice-pdf"),
    path("cases/<str:number>/steps/<int:step_id>/complete/", cases_api.StepActionView.as_view(), name="case-step-complete"),
    path("cases/<str:number>/steps/<int:step_id>/reassign/", cases_api.StepReassignView.as_view(), name="case-step-reassign"),
    path("exchange/", supervision_api.ExchangeView.as_view(), name="exchange"),
    path("cases/<str:number>/inspections/", joint_api.InspectionsView.as_view(), name="case-inspections"),
    path("cases/<str:number>/inspections/<int:inspection_id>/results/", joint_api.ResultsView.as_view(),
         name="case-inspection-results"),
    path("cases/<str:number>/rating/", feedback_api.RatingView.as_view(), name="case-rating"),
    path("complaints/", feedback_api.ComplaintsView.as_view(), name="complaints"),
    path("complaints/<str:number>/", feedback_api.ComplaintDetailView.as_view(), name="complaint-detail"),
    path("feedback/follow-ups/", feedback_api.FollowUpsView.as_view(), name="feedback-follow-ups"),
    path("feedback/figures/", feedback_api.FiguresView.as_view(), name="feedback-figures"),
    path("campaign/problems/", campaign_api.ProblemsView.as_view(), name="problems"),
    path("campaign/problems/figures/", campaign_api.ProblemFiguresView.as_view(), name="problem-figures"),
    path("campaign/problems/<int:pk>/", campaign_api.ProblemDetailView.as_view(), name="problem-detail"),
    path("campaign/problems/<int:pk>/conditions/", campaign_api.ProblemConditionView.as_view(),
         name="problem-conditions"),
    path("campaign/problems/<int:pk>/close/", campaign_api.ProblemCloseView.as_view(), name="problem-close"),
    path("campaign/problems/<int:pk>/reopen/", campaign_api.ProblemReopenView.as_view(), name="problem-reopen"),
    path("campaign/campaigns/", campaign_api.CampaignsView.as_view(), name="campaigns"),
    path("campaign/phases/<int:pk>/report/", campaign_api.PhaseReportView.as_view(), name="campaign-phase-report"),
    path("campaign/inspections/", campaign_api.InspectionsView.as_view(), name="inspections"),
    path("campaign/inspections/<int:pk>/scores/", campaign_api.InspectionScoresView.as_view(), name="inspection-scores"),
    path("campaign/inspections/<int:pk>/publish/", campaign_api.InspectionPublishView.as_view(),
         name="inspection-publish"),
    path("campaign/assessment/", campaign_api.AssessmentView.as_view(), name="assessment"),
    path("intermediaries/", intermediaries_api.IntermediariesView.as_view(), name="intermediaries"),
    path("intermediaries/designations/", intermediaries_api.DesignationsView.as_view(),
         name="intermediaries-designations"),
    path("intermediaries/<int:pk>/", intermediaries_api.IntermediaryDetailView.as_view(), name="intermediary-detail"),
    path("cases/<str:number>/intermediaries/", intermediaries_api.CaseIntermediaryView.as_view(),
         name="case-intermediaries"),
    path("duty/roster/", campaign_api.RosterView.as_view(), name="duty-roster"),
    path("duty/sign-in/", campaign_api.SignInView.as_view(), name="duty-sign-in"),
    path("duty/sign-out/", campaign_api.SignOutView.as_view(), name="duty-sign-out"),
    path("duty/report/", campaign_api.DutyReportView.as_view(), name="duty-report"),
    path("campaign/assessment/records/", campaign_api.AssessmentRecordsView.as_view(), name="assessment-records"),
    path("campaign/assessment/schemes/", campaign_api.SchemesView.as_view(), name="assessment-schemes"),
    path("public/results/", cases_api.PublicResultsView.as_view(), name="public-results"),
    path("public/inspections/", campaign_api.PublicInspectionsView.as_view(), name="public-inspections"),
    path("public/statistics/", cases_api.PublicStatisticsView.as_view(), name="public-statistics"),
    path("auth/token/", accounts.TokenView.as_view(), name="auth-token"),
    path("auth/logout/", accounts.LogoutView.as_view(), name="auth-logout"),
    *router.urls,
]

urlpatterns = [
    path("favicon.ico", RedirectView.as_view(url=static("shenpi/favicon.svg"), permanent=True)),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("admin/", admin.site.urls),
    # Choosing the language takes no CSRF token: the worst a forged request can do is switch
    # a visitor's language, and without a token in it the public pages can be cached whole.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("staff/", include("shenpi.staff.urls")),
    path("", include("shenpi.portal.urls")),
]

handler400 = "shenpi.core.errors.bad_request"
handler404 = "shenpi.core.errors.not_found"
handler500 = "shenpi.core.errors.server_error"

admin.site.site_header = "Shenpi 审批"
admin.site.site_title = "Shenpi"
