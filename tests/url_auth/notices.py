"""URL × role table for publishing and the public site (see foundation.py for the format)."""

PUBLIC = {"anonymous": 200, "member": 200, "secretary": 200, "publisher": 200}

TABLE = {
    "notices:home": {"expect": PUBLIC},
    "notices:list": {"expect": PUBLIC},
    "notices:detail": {
        "kwargs": lambda o: {"year": o["notice"].publish_at.year, "pk": o["notice"].pk, "slug": o["notice"].slug},
        "expect": PUBLIC,
    },
    "notices:feed": {"expect": PUBLIC},
    "notices:search": {"expect": PUBLIC},
    "notices:sitemap": {"expect": PUBLIC},
}
