"""URLs of the comparison-inspection materials (included into meetings/urls.py, namespace "meetings")."""

from django.urls import path

from . import material_views as views

urlpatterns = [
    path("<int:meeting_pk>/materials/", views.meeting_materials, name="meeting_materials"),
    path("<int:meeting_pk>/materials/new/", views.material_start, name="material_start"),
    path("<int:meeting_pk>/materials/export.docx", views.material_export, name="material_export"),
    path("materials/<int:pk>/", views.material_detail, name="material_detail"),
    path("materials/<int:pk>/edit/", views.material_edit, name="material_edit"),
    path("materials/<int:pk>/review/", views.material_review, name="material_review"),
    path("materials/<int:pk>/diff/", views.material_diff, name="material_diff"),
    path("materials/attachments/<int:pk>/", views.material_attachment, name="material_attachment"),
]
