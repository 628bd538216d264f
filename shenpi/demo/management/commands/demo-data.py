from django.core.management.base import BaseCommand

from shenpi.demo import centre as demo


class Command(BaseCommand):
    help = "Load the demo city centre (only into an empty database) and list the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--cases", action="store_true",
                            help="Also make cases in every state, handled over the last weeks (a living centre)")

    def handle(self, *args, cases=False, **options):
        from django.conf import settings
        from django.utils import translation

        # What the demo writes (the audit record's descriptions) is in the centre's language,
        # whatever language the caller had active.
        with translation.override(settings.LANGUAGE_CODE):
            self.load(cases)
        self.stdout.write(f"Demo accounts (password: {demo.demo_password()}):")
        for username, desc in demo.accounts():
            self.stdout.write(f"  {username:<14} {desc}")

    def load(self, cases):
        if demo.load():
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        else:
            self.stdout.write("The database has data already; demo data not loaded.")
        if cases:
            made = demo.load_cases()
            if made:
                self.stdout.write(self.style.SUCCESS(f"Demo cases made: {made}, from "
                                                     "16 working days ago to today."))
