from django.core.management.base import BaseCommand

from shenpi.core import demo


class Command(BaseCommand):
    help = "Load the demo city centre (only into an empty database) and list the demo accounts."

    def handle(self, *args, **options):
        if demo.load():
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        else:
            self.stdout.write("The database has data already; demo data not loaded.")
        self.stdout.write(f"Demo accounts (password: {demo.demo_password()}):")
        for username, desc in demo.accounts():
            self.stdout.write(f"  {username:<14} {desc}")
