"""URL × role table for the foundation's URLs.

Key: the URL name (namespace:name). Value: a dict with
  "kwargs": a function(objects) -> reverse kwargs (objects: the fixture dict built in
            tests/test_url_auth.py), or omitted for no kwargs;
  "expect": {role: status} for GET, where role is one of
            anonymous, member, other_member, secretary, other_secretary, publisher, superuser.
            A status of "login" means a redirect to the login page.
Routes that are not ours to test (admin, auth views, i18n) are listed in SKIP with a reason.
"""

ALL_SIGNED_IN = ["member", "other_member", "secretary", "other_secretary", "publisher", "superuser"]

TABLE = {
    "healthz": {"expect": {"anonymous": 200, **dict.fromkeys(ALL_SIGNED_IN, 200)}},
    "robots_txt": {"expect": {"anonymous": 200}},
    "favicon": {"expect": {"anonymous": 301}},
    "dashboard": {"expect": {"anonymous": "login", **dict.fromkeys(ALL_SIGNED_IN, 200)}},
    "javascript-catalog": {"expect": {"anonymous": 200}},
    # Two-factor sign-in (REQUIRE_2FA off here, nobody has an authenticator): each user's own pages.
    "two_factor": {"expect": {"anonymous": "login", **dict.fromkeys(ALL_SIGNED_IN, 200)}},
    "two_factor_setup": {"expect": {"anonymous": "login", **dict.fromkeys(ALL_SIGNED_IN, 200)}},
    "two_factor_recovery_codes": {"expect": {"anonymous": "login", **dict.fromkeys(ALL_SIGNED_IN, 200)}},
    # Nothing owed: straight on to the dashboard.
    "two_factor_verify": {"expect": {"anonymous": "login", **dict.fromkeys(ALL_SIGNED_IN, 302)}},
}

SKIP_PREFIXES = {
    "admin:": "the Django admin: its add and change POSTs × the secretaries in admin.py here, run by "
    "tests/test_admin_scope.py; its pages in tests/test_admin.py",
    "login": "Django's auth views",
    "logout": "Django's auth views",
    "password_": "Django's auth views",
    "set_language": "Django's i18n view (POST only)",
}
