"""A pytest plugin loaded with -p before Django starts: test-only environment defaults."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key-not-a-secret")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
os.environ.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")
os.environ.setdefault("WHITENOISE_USE_FINDERS", "0")  # scanning static files costs ~1 s per test client
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # the test client and the live server speak plain HTTP
os.environ.setdefault("REQUIRE_2FA", "0")  # browser tests sign in with the form; 2FA tests turn it on
