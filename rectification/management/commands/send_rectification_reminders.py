import datetime

from django.core.management.base import BaseCommand, CommandError

from rectification.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Queue an email to each responsible member with their rectification items due within 7 days and "
        "overdue (run daily); the outbox worker (send_outbox) sends them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError(f"Not a date: {options['date']}") from error
        sent, skipped = send_reminders(today)
        self.stdout.write(f"Reminders queued: {sent}; skipped (already reminded today or no email): {skipped}")
