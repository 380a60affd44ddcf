"""Run every bench/bench_*.py script in turn (`make bench`); each prints its own figures.

python bench/run.py                 # all scripts with their default sizes
python bench/run.py bench_ledger    # only the named ones; extra arguments after -- go to each script
"""

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    extra = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1 :]
        argv = argv[: argv.index("--")]
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        wanted = {name.removesuffix(".py") for name in argv}
        scripts = [s for s in scripts if s.stem in wanted]
    failures = 0
    for script in scripts:
        print(f"== {script.name}", flush=True)
        started = time.monotonic()
        rc = subprocess.call([sys.executable, str(script), *extra], cwd=HERE.parent)
        print(f"== {script.name}: exit {rc} in {time.monotonic() - started:.0f} s", flush=True)
        failures += rc != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
