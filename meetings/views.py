from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from .models import Meeting


@login_required
def meeting_list(request):
    meetings = Meeting.objects.visible_to(request.user).select_related("organisation", "presider")
    page = Paginator(meetings, 25).get_page(request.GET.get("page"))
    return render(request, "meetings/meeting_list.html", {"page_obj": page, "meetings": page.object_list})


@login_required
def meeting_detail(request, pk):
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("organisation", "presider", "previous_meeting"), pk=pk
    )
    return render(request, "meetings/meeting_detail.html", {"meeting": meeting})
