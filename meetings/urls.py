from django.urls import include, path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("materials/<int:pk>/", views.material_detail, name="material_detail"),
    path("", include("meetings.notice_urls")),
]
