"""URL × role table for the meeting record's URLs (see foundation.py for the format)."""

TABLE = {
    "meetings:list": {
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
    "meetings:detail": {
        "kwargs": lambda o: {"pk": o["meeting"].pk},
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
