from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("lookup/", views.lookup, name="lookup"),
    path("lookup/notices/<int:notice_id>.pdf", views.lookup_notice, name="lookup-notice"),
    path("guide/<str:code>/", views.guide, name="guide"),
    path("guide/<str:code>/qr.svg", views.guide_qr, name="guide-qr"),
    path("guide/<str:code>/materials/<int:material_id>/<str:kind>/", views.material_file, name="material-file"),
]
