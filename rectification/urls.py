from django.urls import path

from . import views

app_name = "rectification"

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    # Contract with meeting pages: ?material=<id> | ?criticism=<id> | ?opinion=<id> | ?talk=<id> prefill the source.
    path("problems/new/", views.problem_create, name="problem_create"),
]
