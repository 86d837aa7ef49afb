"""Agencies, their services, people and headcounts, for a partnership's own systems.

The same rules as the pages: anyone who may see people reads the agencies and
services; only coordinators add agencies and services; people are listed
through ``visibility.visible_people`` (coordinators everyone, agency leads
their agencies, line managers their team, learners themselves), so a person
the caller may not see answers 404, exactly like one that does not exist.
Coordinators and the leads of a person's agency change people; every change
goes through ``services/``, which validates and audits it.

Staff-list imports follow the import pages: coordinators import for any
agency, agency leads for the agencies they lead; another agency's import
answers 404. Upload (multipart) reads and previews the file in one step,
``apply`` writes it (now, or queued for the worker when large), and the
import is polled for its progress and counts; its rejected rows come as JSON
or as the same CSV the pages offer.

Lists cost the same queries whatever their length.

One module per resource (``agencies`` with their services, ``people``,
``headcounts``, ``imports``), ``references`` for the rows a request names by
id; the schemas in ``people.api_schemas``, a person's further posts in
``people.api_posts``. ``router`` holds them in the order the document lists them.
"""

from ninja import Router

from interagency.people.api import agencies, headcounts, imports, people

router = Router(tags=["people"])
for part in (agencies, people, headcounts, imports):
    router.add_router("", part.router)

__all__ = ["router"]
