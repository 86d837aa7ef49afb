"""Serve Interagency with Waitress, a production WSGI server (not runserver)."""

import os

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the application with the production WSGI server."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("THREADS", 8)))

    def handle(self, *args, host: str, port: int, threads: int, **options):
        from waitress import serve

        from interagency.wsgi import application

        self.stdout.write(f"Serving Interagency on http://{host}:{port}/ (Ctrl+C stops it)")
        serve(application, host=host, port=port, threads=threads, ident="Interagency")
