"""The learner's evaluation pages: questionnaires in each wave, and paper returns entered."""

from django.urls import path

from interagency.evaluation.views import answering

E = "p/<slug:code>/evaluation/"
urlpatterns = [
    path(f"{E}answer/<str:token>/", answering.answer, name="answer"),
    path(f"{E}answer/<str:token>/thanks/", answering.thanks, name="answer-thanks"),
]
