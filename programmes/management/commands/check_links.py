"""Visit the web pages that published programmes link to, and record which are broken."""

from django.core.management.base import BaseCommand

from programmes.link_checks import broken_links, check_links, published_urls


class Command(BaseCommand):
    help = (
        "Visit every web address that published programmes link to (links, calls to action, "
        "key dates, links in the text) and record whether it answers. Each address is "
        "visited at most once a day, however often this runs, so run it daily (cron, a "
        "scheduled task); several servers may run it at once. Broken links show on the "
        "editing home page and the programme's form."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List the addresses; visit none."
        )

    def handle(self, *args, dry_run=False, **options):
        urls = published_urls()
        if dry_run:
            for url, programmes in urls.items():
                self.stdout.write(f"{url}  ({', '.join(p.title for p in programmes)})")
            self.stdout.write(f"{len(urls)} addresses; nothing visited.")
            return
        visited = check_links(list(urls))
        broken = [c for c in visited if c.broken]
        self.stdout.write(
            f"Visited {len(visited)} of {len(urls)} addresses (the others were visited in "
            f"the last day). {len(broken)} broken now."
        )
        for check, programmes in broken_links():
            names = ", ".join(p.title for p in programmes)
            self.stdout.write(self.style.WARNING(f"Broken: {check.url}: {check.outcome} ({names})"))
        if not broken:
            self.stdout.write(self.style.SUCCESS("No broken links found in this run."))
