"""The comparison-inspection materials, under /meetings/ (namespace "materials")."""

from django.urls import path

from . import views

app_name = "materials"

urlpatterns = [
    path("<int:meeting_pk>/materials/", views.meeting_materials, name="meeting_list"),
    path("<int:meeting_pk>/materials/new/", views.material_start, name="start"),
    path(
        "<int:meeting_pk>/materials/draft-for-presider/",
        views.material_draft_for_presider,
        name="draft_for_presider",
    ),
    path("<int:meeting_pk>/materials/export.docx", views.material_export, name="export"),
    path("<int:meeting_pk>/materials/export.pdf", views.material_export_pdf, name="export_pdf"),
    path("materials/<int:pk>/", views.material_detail, name="detail"),
    path("materials/<int:pk>/material.pdf", views.material_pdf, name="pdf"),
    path("materials/<int:pk>/material.docx", views.material_docx, name="docx"),
    path("materials/<int:pk>/edit/", views.material_edit, name="edit"),
    path("materials/<int:pk>/review/", views.material_review, name="review"),
    path("materials/<int:pk>/sign-off/", views.material_sign_off, name="sign_off"),
    path("materials/<int:pk>/diff/", views.material_diff, name="diff"),
    path("materials/attachments/<int:pk>/", views.material_attachment, name="attachment"),
    path("materials/attachments/<int:pk>/remove/", views.material_attachment_remove, name="attachment_remove"),
]
