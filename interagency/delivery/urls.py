"""Pages of the Sessions area (namespace ``sessions``, like the navigation area it fills)."""

from django.urls import path

from interagency.delivery.views import learner

app_name = "sessions"

urlpatterns: list = []

# Learners, managers and agency leads: find, book, cancel, approve (views/learner.py).
S = "p/<slug:code>/sessions/"
urlpatterns += [
    path(f"{S}upcoming/", learner.session_list, name="list"),
    path(f"{S}<int:session_id>/", learner.session_detail, name="detail"),
    path(f"{S}<int:session_id>/book/", learner.book, name="book"),
    path(f"{S}<int:session_id>/book-people/", learner.book_people, name="book-people"),
    path(f"{S}my-bookings/", learner.my_bookings, name="my-bookings"),
    path(f"{S}bookings/<int:booking_id>/cancel/", learner.cancel, name="booking-cancel"),
    path(f"{S}bookings/<int:booking_id>/accept/", learner.accept_offer, name="offer-accept"),
    path(f"{S}bookings/<int:booking_id>/decline/", learner.decline_offer, name="offer-decline"),
    path(f"{S}approvals/", learner.approvals, name="approvals"),
    path(f"{S}approvals/<int:booking_id>/approve/", learner.approve, name="approve"),
    path(f"{S}approvals/<int:booking_id>/refuse/", learner.refuse, name="refuse"),
]

# Coordinators: the Sessions landing page (everyone), sessions, venues, booking settings
# (views/manage.py).
from interagency.delivery.views import manage  # noqa: E402

M = "p/<slug:code>/sessions/"
urlpatterns += [
    path(M, manage.index, name="index"),
    path(f"{M}manage/new/", manage.session_new, name="session-new"),
    path(f"{M}manage/<int:session_id>/", manage.session_page, name="manage"),
    path(f"{M}manage/<int:session_id>/edit/", manage.session_edit, name="session-edit"),
    path(f"{M}manage/<int:session_id>/cancel/", manage.session_cancel, name="session-cancel"),
    path(f"{M}venues/", manage.venues, name="venues"),
    path(f"{M}venues/new/", manage.venue_new, name="venue-new"),
    path(f"{M}venues/<int:venue_id>/", manage.venue_edit, name="venue-edit"),
    path(f"{M}settings/", manage.delivery_settings, name="settings"),
]

# Trainers and coordinators: the register; learners: certificates (views/register.py,
# views/certificates.py). Verification is public, outside any partnership.
from interagency.delivery.views import certificates as certificate_views  # noqa: E402
from interagency.delivery.views import register as register_views  # noqa: E402

urlpatterns += [
    path("p/<slug:code>/sessions/registers/", register_views.registers, name="registers"),
    path(
        "p/<slug:code>/sessions/<int:session_id>/register/",
        register_views.register,
        name="register",
    ),
    path(
        "p/<slug:code>/sessions/<int:session_id>/register/print/",
        register_views.register_print,
        name="register-print",
    ),
    path(
        "p/<slug:code>/sessions/certificates/<str:number>.pdf",
        certificate_views.certificate_pdf,
        name="certificate",
    ),
    path(
        "p/<slug:code>/sessions/certificates/<str:number>/withdraw/",
        certificate_views.certificate_withdraw,
        name="certificate-withdraw",
    ),
    path("verify/", certificate_views.verify, name="verify"),
]

# Coordinators: no-show charges for the agencies' invoices (views/charges.py).
from interagency.delivery.views import charges as charge_views  # noqa: E402

urlpatterns += [
    path("p/<slug:code>/sessions/charges/", charge_views.charges, name="charges"),
    path("p/<slug:code>/sessions/charges/export.csv", charge_views.charges_csv, name="charges-csv"),
    path(
        "p/<slug:code>/sessions/charges/<int:charge_id>/waive/",
        charge_views.charge_waive,
        name="charge-waive",
    ),
]

# Each role's daily work: my training, my team, a trainer's sessions (urls_mine.py).
from interagency.delivery import urls_mine  # noqa: E402

urlpatterns += urls_mine.urlpatterns
