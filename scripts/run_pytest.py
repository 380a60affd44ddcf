"""Run the pytest suite: unit tests in parallel (xdist), then the browser tests, in parallel too.

Browser tests need Debian's Chromium at /usr/bin/chromium. Without it they are
reported as not run, plainly; in CI (CI=true) a missing Chromium is a failure.

PYTEST_WORKERS (default "auto": one per core) sets the xdist workers of both runs; E2E_WORKERS
overrides it for the browser tests alone. Each browser worker has its own Chromium, live server
and test database. The work is stolen (--dist worksteal): a worker that runs out of tests takes
the rest of the other's queue, so the long crawls and the story do not end on one worker alone.
"""

import os
import shutil
import subprocess
import sys

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def main() -> int:
    python = sys.executable
    workers = os.environ.get("PYTEST_WORKERS", "auto")
    e2e_workers = os.environ.get("E2E_WORKERS", workers)
    pytest = [python, "-m", "pytest", "--dist", "worksteal", "-q"]
    rc = subprocess.call([*pytest, "-m", "not e2e", "-n", workers, *sys.argv[1:]])
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
    return subprocess.call([*pytest, "-m", "e2e", "-n", e2e_workers, *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
