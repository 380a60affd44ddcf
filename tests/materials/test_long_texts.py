"""Long materials: a stale save of a material too long to compare line by line still shows both texts,
and says why the changes are not marked."""

import pytest
from django.urls import reverse

from core.diffs import MAX_DIFF_LINES
from materials import services

from .test_material_views import form_data


@pytest.mark.django_db
def test_a_stale_save_of_a_very_long_material_says_the_texts_are_too_long_to_compare(client, attended, member_user):
    draft = services.material_start(meeting=attended, by=member_user)
    client.force_login(member_user)
    url = reverse("materials:edit", args=[draft.pk])
    long_text = "\n".join(["- m"] * MAX_DIFF_LINES)
    loaded = draft.version
    client.post(url, form_data(draft, version=loaded, measures=long_text))
    response = client.post(url, form_data(draft, version=loaded, measures=long_text + "\n- one more"))
    assert response.status_code == 409
    assert "The texts are too long to compare line by line" in response.content.decode()
