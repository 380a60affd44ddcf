"""Organisation pages, under /meetings/ (namespace "members")."""

from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("organisations/<int:org_pk>/import/", views.member_import, name="import"),
]
