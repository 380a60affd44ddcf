from django.urls import path

from . import views

app_name = "rectification"

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("export.xlsx", views.ledger_export, name="ledger_export"),
    path("print/", views.ledger_print, name="ledger_print"),
    path("ledger.pdf", views.ledger_pdf, name="ledger_pdf"),
    path("items/new/", views.item_create, name="item_create"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/progress/", views.item_progress, name="item_progress"),
    path("items/<int:pk>/verify/", views.item_verify, name="item_verify"),
    path("items/<int:pk>/reopen/", views.item_reopen, name="item_reopen"),
    path("items/<int:pk>/cancel/", views.item_cancel, name="item_cancel"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/remove/", views.evidence_remove, name="evidence_remove"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/plan.pdf", views.plan_pdf, name="plan_pdf"),
    path("plans/<int:pk>/plan.docx", views.plan_docx, name="plan_docx"),
    # Contract with meeting pages: ?material=<id> | ?criticism=<id> | ?opinion=<id> | ?talk=<id> prefill the source.
    path("problems/new/", views.problem_create, name="problem_create"),
    path("problems/from-material/<int:pk>/", views.problem_from_material, name="problem_from_material"),
    path("oversight/", views.oversight_rollup, name="rollup"),
    path("meetings/<int:meeting_pk>/report-back/", views.report_back_page, name="report_back"),
]
