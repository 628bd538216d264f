from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "staff"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="staff/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("catalog/figures/", views.figures, name="figures"),
    path("catalog/transfer/", views.transfer, name="transfer"),
    path("catalog/export.xlsx", views.export, name="export"),
]
