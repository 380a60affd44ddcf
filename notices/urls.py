"""The newsroom, under /meetings/ (namespace "newsroom"); the public site is in public_urls.py."""

from django.urls import path

from . import views

app_name = "newsroom"

urlpatterns = [
    path("notices/", views.notice_list, name="list"),
    path("<int:pk>/notice/draft/", views.notice_draft, name="draft"),
    path("notices/<int:pk>/", views.notice_edit, name="edit"),
    path("notices/<int:pk>/publish/", views.notice_publish, name="publish"),
    path("notices/<int:pk>/schedule/", views.notice_schedule, name="schedule"),
    path("notices/<int:pk>/unschedule/", views.notice_unschedule, name="unschedule"),
    path("notices/<int:pk>/withdraw/", views.notice_withdraw, name="withdraw"),
    path("notices/<int:pk>/images/", views.notice_image_upload, name="image_upload"),
    path("notices/<int:pk>/history/", views.notice_history, name="history"),
    path("notices/<int:pk>/notice.pdf", views.notice_pdf, name="pdf"),
    path("notices/<int:pk>/notice.docx", views.notice_docx, name="docx"),
]
