"""URL × role table for the materials feature (see foundation.py for the format)."""

TABLE = {
    "meetings:material_detail": {
        "kwargs": lambda o: {"pk": o["material"].pk},
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
