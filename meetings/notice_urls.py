"""The newsroom's URLs, included into meetings/urls.py (namespace "meetings")."""

from django.urls import path

from . import notice_views

urlpatterns = [
    path("notices/", notice_views.notice_list, name="notice_list"),
    path("<int:pk>/notice/draft/", notice_views.notice_draft, name="notice_draft"),
    path("notices/<int:pk>/", notice_views.notice_edit, name="notice_edit"),
    path("notices/<int:pk>/publish/", notice_views.notice_publish, name="notice_publish"),
    path("notices/<int:pk>/schedule/", notice_views.notice_schedule, name="notice_schedule"),
    path("notices/<int:pk>/unschedule/", notice_views.notice_unschedule, name="notice_unschedule"),
    path("notices/<int:pk>/withdraw/", notice_views.notice_withdraw, name="notice_withdraw"),
    path("notices/<int:pk>/images/", notice_views.notice_image_upload, name="notice_image_upload"),
    path("notices/<int:pk>/history/", notice_views.notice_history, name="notice_history"),
]
