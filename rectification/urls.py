from django.urls import path

from . import views

app_name = "rectification"

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
]
