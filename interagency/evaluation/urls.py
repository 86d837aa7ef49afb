from django.urls import include, path

app_name = "evaluation"

# The coordinator's and trainer's pages (instruments, plans, results) and the
# learner's (questionnaires, invitations), each in its own module.
urlpatterns = [
    path("", include("interagency.evaluation.urls_manage")),
    path("", include("interagency.evaluation.urls_answering")),
]
