from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_create, name="create"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="feed"),
    path("calendar/renew/", views.calendar_feed_renew, name="feed_renew"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/print/", views.meeting_print, name="print"),
    path("<int:pk>/minutes.pdf", views.meeting_pdf, name="pdf"),
    path("<int:pk>/minutes.docx", views.meeting_docx, name="docx"),
    path("<int:pk>/calendar.ics", views.meeting_calendar, name="calendar"),
    path("<int:pk>/history/", views.meeting_history, name="history"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/status/<slug:action>/", views.meeting_transition, name="transition"),
    path("<int:pk>/consent/", views.meeting_consent, name="consent"),
    path("<int:pk>/agenda/", views.meeting_agenda, name="agenda"),
    path("<int:pk>/agenda/standard/", views.agenda_standard, name="agenda_standard"),
    path("<int:pk>/agenda/<int:item_pk>/", views.agenda_item_edit, name="agenda_item_edit"),
    path("<int:pk>/agenda/<int:item_pk>/move/", views.agenda_item_move, name="agenda_item_move"),
    path("<int:pk>/agenda/<int:item_pk>/delete/", views.agenda_item_delete, name="agenda_item_delete"),
    path("<int:pk>/attendance/", views.meeting_attendance, name="attendance"),
    path("<int:pk>/sign-in/", views.meeting_sign_in, name="sign_in"),
    path("<int:pk>/supervisors/", views.meeting_supervisors, name="supervisors"),
    path("<int:pk>/sign-in/live/", views.meeting_sign_in_live, name="sign_in_live"),
    path("<int:pk>/sign-in/<str:token>/", views.meeting_sign_in_scan, name="sign_in_scan"),
    path("<int:pk>/preparation/", views.meeting_preparation, name="preparation"),
    path(
        "<int:pk>/preparation/<slug:kind>/<int:record_pk>/delete/",
        views.preparation_delete,
        name="preparation_delete",
    ),
    path("<int:pk>/criticism/", views.meeting_criticism, name="criticism"),
    path("<int:pk>/criticism/<int:record_pk>/delete/", views.criticism_delete, name="criticism_delete"),
    path("<int:pk>/speeches/new/", views.speech_create, name="speech_create"),
    path("<int:pk>/speeches/<int:speech_pk>/", views.speech_edit, name="speech_edit"),
    path("<int:pk>/speeches/<int:speech_pk>/delete/", views.speech_delete, name="speech_delete"),
]
