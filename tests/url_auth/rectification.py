"""URL × role table for rectification (see foundation.py for the format).

The fixture item belongs to `member` (responsible) in `secretary`'s organisation; `other_member` and
`other_secretary` belong to another organisation, so the item is a 404 for them everywhere.
"""

ALL = {
    "anonymous": "login",
    "member": 200,
    "other_member": 200,
    "secretary": 200,
    "other_secretary": 200,
    "publisher": 200,
    "superuser": 200,
}
ITEM_SCOPED = {
    "anonymous": "login",
    "member": 200,
    "other_member": 404,
    "secretary": 200,
    "other_secretary": 404,
    "publisher": 404,
    "superuser": 200,
}
SECRETARY_ONLY = {
    "anonymous": "login",
    "member": 404,
    "other_member": 404,
    "secretary": 200,
    "other_secretary": 200,
    "publisher": 404,
    "superuser": 200,
}


def _item(o):
    return {"pk": o["item"].pk}


def _evidence(o):
    from django.core.files.base import ContentFile

    from rectification.models import Evidence, ProgressReport

    report = ProgressReport.objects.create(item=o["item"], text="Report", percent=10)
    evidence = Evidence(report=report, original_name="e.pdf", content_type="application/pdf", size=9)
    evidence.file.save("e.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return {"pk": evidence.pk}


TABLE = {
    "rectification:ledger": {"expect": ALL},
    "rectification:ledger_export": {"expect": ALL},
    "rectification:ledger_print": {"expect": ALL},
    "rectification:ledger_pdf": {"expect": ALL},
    "rectification:item_detail": {"kwargs": _item, "expect": ITEM_SCOPED},
    "rectification:item_edit": {
        "kwargs": _item,
        # The responsible member sees the item but may not change it: a page that says why (403); outside: 404.
        "expect": {**ITEM_SCOPED, "member": 403},
    },
    "rectification:item_progress": {"kwargs": _item, "expect": ITEM_SCOPED},
    "rectification:item_verify": {"kwargs": _item, "expect": ITEM_SCOPED},
    "rectification:item_reopen": {"kwargs": _item, "expect": ITEM_SCOPED},
    "rectification:item_cancel": {"kwargs": _item, "expect": ITEM_SCOPED},
    "rectification:evidence_download": {"kwargs": _evidence, "expect": ITEM_SCOPED},
    # POST only (the responsible member, while the item is open or in progress): a GET is refused by method.
    "rectification:evidence_remove": {
        "kwargs": _evidence,
        "expect": {**ITEM_SCOPED, "member": 405, "secretary": 405, "superuser": 405},
    },
    "rectification:plan_detail": {"kwargs": lambda o: {"pk": o["item"].plan.pk}, "expect": ITEM_SCOPED},
    "rectification:plan_pdf": {"kwargs": lambda o: {"pk": o["item"].plan.pk}, "expect": ITEM_SCOPED},
    "rectification:plan_docx": {"kwargs": lambda o: {"pk": o["item"].plan.pk}, "expect": ITEM_SCOPED},
    # Recording problems and adding items is the secretaries' work: others have nothing in scope here.
    "rectification:problem_create": {"expect": SECRETARY_ONLY},
    "rectification:item_create": {
        # ?problem=/?plan= come in the query string; without them there is nothing to add to: 404 for everyone.
        "expect": {
            "anonymous": "login",
            "member": 404,
            "other_member": 404,
            "secretary": 404,
            "other_secretary": 404,
            "publisher": 404,
            "superuser": 404,
        }
    },
    "rectification:report_back": {
        "kwargs": lambda o: {"meeting_pk": o["meeting"].pk},
        "expect": {
            "anonymous": "login",
            "member": 200,
            "other_member": 404,
            "secretary": 200,
            "other_secretary": 404,
            "publisher": 404,
            "superuser": 200,
        },
    },
}

# Oversight and delegation.
TABLE.update(
    {
        # One click on a problem an approved material lists: POST only.
        "rectification:problem_from_material": {
            "kwargs": lambda o: {"pk": o["material"].pk},
            "expect": {
                "anonymous": "login",
                **dict.fromkeys(
                    ["member", "other_member", "secretary", "other_secretary", "publisher", "superuser"], 405
                ),
                **dict.fromkeys(["higher_secretary", "supervisor", "deputy"], 405),
            },
        },
        # The roll-up of the organisations below: for the higher organisation and the supervision group.
        "rectification:rollup": {
            "expect": {
                "anonymous": "login",
                "member": 404,
                "other_member": 404,
                "secretary": 404,
                "other_secretary": 404,
                "publisher": 404,
                "superuser": 200,
                "higher_secretary": 200,
                "supervisor": 200,
                "deputy": 404,
            }
        },
    }
)
# The item of the meeting below: read by the higher organisation, the supervisor and the deputy.
TABLE["rectification:item_detail"]["expect"] = {
    **TABLE["rectification:item_detail"]["expect"],
    "higher_secretary": 200,
    "supervisor": 200,
    "deputy": 200,
}
