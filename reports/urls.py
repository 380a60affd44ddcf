from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("<int:pk>/report/", views.report_detail, name="detail"),
    path("<int:pk>/report/draft/", views.report_draft, name="draft"),
    path("<int:pk>/report/edit/", views.report_edit, name="edit"),
    path("<int:pk>/report/approve/", views.report_approve, name="approve"),
    path("<int:pk>/report/reopen/", views.report_reopen, name="reopen"),
    path("<int:pk>/report/file/", views.report_file, name="file"),
    path("<int:pk>/report/print/", views.report_print, name="print"),
    path("<int:pk>/report.pdf", views.report_pdf, name="pdf"),
    path("<int:pk>/report.docx", views.report_docx, name="docx"),
]
