from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from .models import RectificationItem, RectificationPlan


@login_required
def ledger(request):
    items = RectificationItem.objects.visible_to(request.user).select_related(
        "plan__meeting__organisation", "responsible_member", "problem"
    )
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(request, "rectification/ledger.html", {"page_obj": page, "items": page.object_list})


@login_required
def item_detail(request, pk):
    item = get_object_or_404(
        RectificationItem.objects.visible_to(request.user).select_related("plan__meeting", "responsible_member"), pk=pk
    )
    return render(request, "rectification/item_detail.html", {"item": item})


@login_required
def plan_detail(request, pk):
    plan = get_object_or_404(RectificationPlan.objects.visible_to(request.user).select_related("meeting"), pk=pk)
    return render(request, "rectification/plan_detail.html", {"plan": plan, "items": plan.items.all()})


@login_required
def problem_create(request):
    raise Http404
