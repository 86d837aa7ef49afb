from django.urls import path

from interagency.people.views import agencies, posts
from interagency.people.views import duplicates as duplicate_views
from interagency.people.views import imports as import_views
from interagency.people.views import needs as needs_views
from interagency.people.views import survey as survey_views

app_name = "people"

urlpatterns = [
    path("p/<slug:code>/people/", agencies.index, name="index"),
    # Agencies, services and people
    path("p/<slug:code>/people/agencies/", agencies.agency_list, name="agencies"),
    path("p/<slug:code>/people/agencies/new/", agencies.agency_new, name="agency-new"),
    path("p/<slug:code>/people/agencies/<int:agency_id>/", agencies.agency_detail, name="agency"),
    path(
        "p/<slug:code>/people/agencies/<int:agency_id>/edit/",
        agencies.agency_edit,
        name="agency-edit",
    ),
    path(
        "p/<slug:code>/people/agencies/<int:agency_id>/services/new/",
        agencies.service_new,
        name="service-new",
    ),
    path("p/<slug:code>/people/list/", agencies.people_list, name="people"),
    path("p/<slug:code>/people/new/", agencies.person_new, name="person-new"),
    path("p/<slug:code>/people/<int:person_id>/", agencies.person_detail, name="person"),
    path("p/<slug:code>/people/<int:person_id>/edit/", agencies.person_edit, name="person-edit"),
    path("p/<slug:code>/people/<int:person_id>/leave/", agencies.person_leave, name="person-leave"),
    path("p/<slug:code>/people/<int:person_id>/posts/new/", posts.post_new, name="post-new"),
    path(
        "p/<slug:code>/people/<int:person_id>/posts/<int:post_id>/edit/",
        posts.post_edit,
        name="post-edit",
    ),
    path(
        "p/<slug:code>/people/<int:person_id>/posts/<int:post_id>/end/",
        posts.post_end,
        name="post-end",
    ),
    # Training needs and duplicates
    path("p/<slug:code>/people/needs/", needs_views.needs_map, name="needs"),
    path("p/<slug:code>/people/needs.xlsx", needs_views.needs_xlsx, name="needs-xlsx"),
    path("p/<slug:code>/people/duplicates/", duplicate_views.duplicates, name="duplicates"),
    path(
        "p/<slug:code>/people/duplicates/<int:person_id>/merge/",
        duplicate_views.merge,
        name="duplicate-merge",
    ),
    # Imports of agencies' staff lists
    path("p/<slug:code>/people/imports/", import_views.import_list, name="imports"),
    path("p/<slug:code>/people/imports/new/", import_views.import_new, name="import-new"),
    path(
        "p/<slug:code>/people/imports/settings/",
        import_views.import_settings,
        name="import-settings",
    ),
    path(
        "p/<slug:code>/people/imports/<int:import_id>/",
        import_views.import_preview,
        name="import-preview",
    ),
    path(
        "p/<slug:code>/people/imports/<int:import_id>/columns/",
        import_views.import_mapping,
        name="import-mapping",
    ),
    path(
        "p/<slug:code>/people/imports/<int:import_id>/apply/",
        import_views.import_apply,
        name="import-apply",
    ),
    path(
        "p/<slug:code>/people/imports/<int:import_id>/status/",
        import_views.import_status,
        name="import-status",
    ),
    path(
        "p/<slug:code>/people/imports/<int:import_id>/rejected-rows.csv",
        import_views.import_rejected_csv,
        name="import-rejected-csv",
    ),
    # Headcounts and the mapping survey
    path("p/<slug:code>/people/headcounts/", survey_views.headcounts, name="headcounts"),
    path("p/<slug:code>/people/headcounts/new/", survey_views.headcount_new, name="headcount-new"),
    path(
        "p/<slug:code>/people/headcounts/<int:headcount_id>/",
        survey_views.headcount_edit,
        name="headcount-edit",
    ),
    path("p/<slug:code>/people/survey/", survey_views.survey, name="survey"),
    path(
        "p/<slug:code>/people/survey/agencies/<int:agency_id>/send/",
        survey_views.survey_send,
        name="survey-send",
    ),
    path(
        "p/<slug:code>/people/survey/<int:survey_id>/",
        survey_views.survey_reply,
        name="survey-reply",
    ),
    path(
        "p/<slug:code>/people/survey/<int:survey_id>/chase/",
        survey_views.survey_chase,
        name="survey-chase",
    ),
    path(
        "p/<slug:code>/people/survey/<int:survey_id>/accept/",
        survey_views.survey_accept,
        name="survey-accept",
    ),
    # No sign-in: the token in the link is the credential.
    path("survey/<str:token>/", survey_views.survey_respond, name="survey-respond"),
]
