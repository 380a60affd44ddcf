"""URL × role table for rectification (see foundation.py for the format)."""

TABLE = {
    "rectification:ledger": {
        "expect": {
            "anonymous": "login",
            "member": 200,
            "other_member": 200,
            "secretary": 200,
            "other_secretary": 200,
            "publisher": 200,
            "superuser": 200,
        }
    },
    "rectification:item_detail": {
        "kwargs": lambda o: {"pk": o["item"].pk},
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
    "rectification:plan_detail": {
        "kwargs": lambda o: {"pk": o["item"].plan.pk},
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
    "rectification:problem_create": {
        "expect": {"anonymous": "login", "other_member": 404, "publisher": 404},
    },
}
