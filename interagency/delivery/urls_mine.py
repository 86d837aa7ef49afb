"""The pages of each role's daily work: a learner's training, a manager's team, a trainer's
sessions (``views/my_training.py``, ``views/my_team.py``, ``views/trainer.py``); included
in the ``sessions`` namespace by ``urls.py``."""

from django.urls import URLPattern, path

from interagency.delivery.views import my_team, my_training, trainer

urlpatterns: list[URLPattern] = [
    path("p/<slug:code>/my-training/", my_training.my_training, name="my-training"),
    path("p/<slug:code>/my-team/", my_team.my_team, name="my-team"),
    path("p/<slug:code>/my-team/book/", my_team.book_team, name="my-team-book"),
    path("p/<slug:code>/my-sessions/", trainer.my_sessions, name="my-sessions"),
]
