"""Run the pytest suite: unit tests in parallel (xdist), then the browser tests.

Browser tests need Debian's Chromium at /usr/bin/chromium. Without it they are
reported as not run, plainly; in CI (CI=true) a missing Chromium is a failure.
"""

import os
import shutil
import subprocess
import sys

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def main() -> int:
    python = sys.executable
    workers = os.environ.get("PYTEST_WORKERS", "auto")
    rc = subprocess.call([python, "-m", "pytest", "-m", "not e2e", "-n", workers, "-q", *sys.argv[1:]])
    if rc != 0:
        return rc
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        message = (
            f"Browser tests NOT RUN: Chromium not found at {CHROMIUM} (apt-get install chromium fonts-wqy-microhei)."
        )
        print(message, flush=True)
        if os.environ.get("CI", "").lower() == "true":
            print("CI=true: a missing Chromium is a failure.", flush=True)
            return 1
        return 0
    return subprocess.call([python, "-m", "pytest", "-m", "e2e", "-q", *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
