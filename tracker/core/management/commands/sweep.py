from django.core.management.base import BaseCommand, CommandError

from tracker.core import jobs


class Command(BaseCommand):
    help = "Run every periodic job once, synchronously, and print what each did."

    def add_arguments(self, parser):
        parser.add_argument(
            "--only", action="append", default=[], metavar="JOB", help="Run only this job (repeatable)."
        )
        parser.add_argument("--list", action="store_true", help="List the jobs and exit.")

    def handle(self, *args, only, list, **options):
        if list:
            for name in jobs.job_names():
                self.stdout.write(name)
            return
        names = only or jobs.job_names()
        for name in names:
            try:
                summary = jobs.run_job(name)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"{name}: {summary}")
