from django.contrib.auth import views as auth_views
from django.urls import path

from shenpi.org import accounts

from . import campaign_views, case_views, joint_views, views
from . import feedback_views as fv
from . import supervision_views as sv

app_name = "staff"
urlpatterns = [
    path("login/", accounts.LoginView.as_view(template_name="staff/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("catalog/figures/", views.figures, name="figures"),
    path("catalog/transfer/", views.transfer, name="transfer"),
    path("catalog/export.xlsx", views.export, name="export"),
    path("window/", case_views.window, name="window"),
    path("window/materials/", case_views.materials_checklist, name="window-materials"),
    path("inbox/", case_views.inbox, name="inbox"),
    path("search/", views.search, name="search"),
    path("cases/<str:number>/claim/", case_views.claim, name="case-claim"),
    path("cases/<str:number>/materials/<int:material_id>/", case_views.material_file, name="case-material"),
    path("tasks/", case_views.my_tasks, name="tasks"),
    path("queue/", case_views.queue, name="queue"),
    path("cases/<str:number>/", case_views.case_page, name="case"),
    path("cases/<str:number>/act/<str:action>/", case_views.act, name="case-act"),
    path("cases/<str:number>/steps/<int:step_id>/complete/", case_views.complete_step, name="case-step"),
    path("cases/<str:number>/steps/<int:step_id>/reassign/", case_views.reassign, name="case-reassign"),
    path("cases/<str:number>/notices/<int:notice_id>.pdf", case_views.notice_pdf, name="case-notice"),
    path("cases/<str:number>/inspections/", joint_views.results, name="case-inspections"),
    path("cases/<str:number>/inspections/schedule/", joint_views.schedule, name="case-inspection-schedule"),
    path("cases/<str:number>/inspections/<int:inspection_id>/result/", joint_views.record, name="case-inspection-result"),
    path("cases/<str:number>/inspections/evidence/<int:result_id>/", joint_views.evidence, name="case-inspection-evidence"),
    path("joint/figures/", joint_views.figures, name="joint-figures"),
    path("projects/", joint_views.projects, name="projects"),
    path("bundles/<int:pk>/", joint_views.bundle, name="bundle"),
    path("projects/<str:code>/", joint_views.project, name="project"),
    path("feedback/", fv.overview, name="feedback"),
    path("feedback/figures/", fv.figures, name="feedback-figures"),
    path("complaints/", fv.complaint_list, name="complaints"),
    path("complaints/new/", fv.register, name="complaint-new"),
    path("complaints/<str:number>/", fv.complaint, name="complaint"),
    path("complaints/<str:number>/<str:action>/", fv.complaint_act, name="complaint-act"),
    path("follow-ups/<int:pk>/", fv.follow_up, name="follow-up"),
    path("follow-ups/<int:pk>/<str:action>/", fv.follow_up_act, name="follow-up-act"),
    path("window/tablet/", fv.tablet, name="window-tablet"),
    path("problems/", campaign_views.problem_list, name="problems"),
    path("problems/<int:pk>/", campaign_views.problem, name="problem"),
    path("assessment/", campaign_views.assessment, name="assessment"),
    path("assessment/export.xlsx", campaign_views.assessment_export, name="assessment-export"),
    path("assessment/records/", campaign_views.assessment_records, name="assessment-records"),
    path("assessment/scheme/", campaign_views.assessment_scheme, name="assessment-scheme"),
    path("supervision/", sv.dashboard, name="sv-dashboard"),
    path("supervision/figures.json", sv.figures_json, name="sv-figures"),
    path("supervision/screen/", sv.screen, name="sv-screen"),
    path("supervision/cards/", sv.cards, name="sv-cards"),
    path("supervision/cards/<int:pk>/", sv.card, name="sv-card"),
    path("supervision/findings/", sv.findings, name="sv-findings"),
    path("supervision/orders/", sv.orders, name="sv-orders"),
    path("supervision/orders/<int:pk>/", sv.order, name="sv-order"),
    path("supervision/accountability/", sv.accountability, name="sv-accountability"),
]
