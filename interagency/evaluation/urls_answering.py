"""The learner's evaluation pages: questionnaires in each wave, and paper returns entered."""

from django.urls import path

from interagency.evaluation.views import answering, paper

E = "p/<slug:code>/evaluation/"
urlpatterns = [
    # Learners: the questionnaire their link opens (views/answering.py).
    path(f"{E}answer/<str:token>/", answering.answer, name="answer"),
    path(f"{E}answer/<str:token>/thanks/", answering.thanks, name="answer-thanks"),
    # Coordinators: paper returns typed in or imported from a file (views/paper.py).
    path(f"{E}paper/", paper.paper_index, name="paper"),
    path(f"{E}paper/<int:wave_id>/", paper.paper_entry, name="paper-entry"),
    path(f"{E}paper/<int:wave_id>/import/", paper.paper_import, name="paper-import"),
    path(f"{E}paper/<int:wave_id>/letters/", paper.paper_letters, name="paper-letters"),
]
