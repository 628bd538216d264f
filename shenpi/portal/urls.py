from django.urls import path

from shenpi.org import accounts

from . import applicant_views, feedback_views, views

app_name = "portal"
urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("lookup/", views.lookup, name="lookup"),
    path("results/", views.results, name="results"),
    path("statistics/", views.statistics, name="statistics"),
    path("campaign/", views.campaign, name="campaign"),
    path("intermediaries/", views.intermediaries, name="intermediaries"),
    path("intermediaries/<int:pk>/", views.intermediary, name="intermediary"),
    path("login/", accounts.LoginView.as_view(template_name="portal/login.html"), name="login"),
    path("register/", applicant_views.register, name="register"),
    path("register/confirm/", applicant_views.register_confirm, name="register-confirm"),
    path("password/forgot/", applicant_views.forgot, name="forgot"),
    path("password/reset/", applicant_views.reset, name="reset"),
    path("apply/<str:code>/", applicant_views.apply, name="apply"),
    path("my/", applicant_views.my_cases, name="my-cases"),
    path("my/projects/<str:code>/", applicant_views.my_project, name="my-project"),
    path("my/bundles/<int:pk>/", applicant_views.my_bundle, name="my-bundle"),
    path("bundles/<slug:code>/", applicant_views.apply_bundle, name="apply-bundle"),
    path("my/complaints/", feedback_views.my_complaints, name="my-complaints"),
    path("my/<str:number>/", applicant_views.my_case, name="my-case"),
    path("my/<str:number>/rate/", feedback_views.rate_mine, name="my-rate"),
    path("my/<str:number>/intermediaries/", applicant_views.my_intermediaries, name="my-intermediaries"),
    path("rate/<str:token>/", feedback_views.rate_link, name="rate-link"),
    path("complaints/new/", feedback_views.complain, name="complain"),
    path("complaints/lookup/", feedback_views.complaint_lookup, name="complaint-lookup"),
    path("my/<str:number>/supplement/", applicant_views.supplement, name="my-supplement"),
    path("lookup/notices/<int:notice_id>.pdf", views.lookup_notice, name="lookup-notice"),
    path("guide/<str:code>/", views.guide, name="guide"),
    path("guide/<str:code>/qr.svg", views.guide_qr, name="guide-qr"),
    path("guide/<str:code>/materials/<int:material_id>/<str:kind>/", views.material_file, name="material-file"),
]
