import logging
import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections, connections

from outbox.sending import send_due

logger = logging.getLogger("meeting_records.outbox")


class Command(BaseCommand):
    help = (
        "Send the queued emails once; with --loop keep sending (the worker to run beside the web server). "
        "Each message is sent once however many workers run; failures are retried with backoff."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep running: a pass every --interval seconds.")
        parser.add_argument(
            "--interval", type=float, default=10.0, help="Seconds between passes with --loop (default 10)."
        )
        parser.add_argument("--limit", type=int, default=None, help="Send at most this many messages per pass.")

    def handle(self, *args, **options):
        if options["interval"] <= 0:
            raise CommandError("--interval must be more than 0 seconds.")
        if options["limit"] is not None and options["limit"] < 1:
            raise CommandError("--limit must be at least 1.")
        if not options["loop"]:
            self._report(send_due(limit=options["limit"]), quiet=False)
            return
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        self.stdout.write(f"Sending the outbox every {options['interval']:g} s; stop with SIGTERM or Ctrl-C.")
        while not stop.is_set():
            close_old_connections()
            try:
                self._report(send_due(limit=options["limit"], should_stop=stop.is_set), quiet=True)
            except DatabaseError as error:  # the database is away: try again at the next pass
                logger.warning("outbox: the database could not be reached: %s", error)
                self.stderr.write(f"Database unavailable, trying again in {options['interval']:g} s: {error}")
                connections.close_all()
            stop.wait(options["interval"])
        connections.close_all()
        self.stdout.write("Stopped.")

    def _report(self, result, quiet: bool) -> None:
        if quiet and not result.attempted:
            return
        self.stdout.write(f"Sent: {result.sent}; to retry: {result.retrying}; gave up: {result.gave_up}")
        if result.unreachable:
            self.stdout.write(f"Mail server unreachable ({result.unreachable}); the rest wait for the next pass.")
