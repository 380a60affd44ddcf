import datetime

from django.core.management.base import BaseCommand, CommandError

from rectification.reminders import send_reminders


class Command(BaseCommand):
    help = "Email each responsible member their rectification items due within 7 days and overdue (run daily)."

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
        self.stdout.write(f"Reminders sent: {sent}; skipped (already sent today or no email): {skipped}")
