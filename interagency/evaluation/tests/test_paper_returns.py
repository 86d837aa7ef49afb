"""Paper returns: the coordinator's entry screen and a file of forms, all saved or none."""

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from interagency.core.permissions import Role
from interagency.evaluation.errors import EvaluationError
from interagency.evaluation.models import Response, ResponseSource, WaveKind
from interagency.evaluation.services.paper import import_paper_returns
from interagency.evaluation.tests.factories import code_for, make_plan

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture(autouse=True)
def pinned_now():
    with time_machine.travel(datetime.datetime(2026, 6, 10, 11, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def start_wave(partnership):
    return make_plan(partnership).waves.get(kind=WaveKind.START)


def test_a_coordinator_enters_forms_one_after_another(coordinator_client, partnership, start_wave):
    codes = [code_for(start_wave.plan), code_for(start_wave.plan)]
    url = reverse(
        "evaluation:paper-entry", kwargs={"code": partnership.code, "wave_id": start_wave.pk}
    )
    page = coordinator_client.get(url).content.decode()
    assert "Enter a whole number from 1 to 5: 1 Strongly disagree" in page
    for number, code in enumerate(codes):
        data = {
            "idempotency_key": f"paper-{number}",
            "code": code,
            "consented": "on",
            "item-c1": "3",
        }
        assert coordinator_client.post(url, data).status_code == 302
    saved = Response.objects.filter(wave=start_wave)
    assert saved.count() == 2 and {r.source for r in saved} == {ResponseSource.PAPER}
    again = coordinator_client.post(
        url, {"idempotency_key": "paper-9", "code": codes[0], "consented": "on", "item-c1": "6"}
    ).content.decode()
    assert "Question 1: the answer must be a whole number from 1 to 5" in again
    assert 'href="#id_item-c1"' in again


def test_only_coordinators_enter_paper_forms(client, sign_in, member_with, partnership, start_wave):
    sign_in(member_with(Role.TRAINER))
    url = reverse("evaluation:paper", kwargs={"code": partnership.code})
    assert client.get(url).status_code == 403


def test_a_file_of_forms_is_imported_whole(coordinator_client, partnership, start_wave):
    first, second = code_for(start_wave.plan), code_for(start_wave.plan)
    content = f"code,c1,c2,k2,comment\n{first},4,5,2,Helpful\n{second.lower()},2,,1,\n".encode()
    url = reverse(
        "evaluation:paper-import", kwargs={"code": partnership.code, "wave_id": start_wave.pk}
    )
    upload = SimpleUploadedFile("forms.csv", content, content_type="text/csv")
    response = coordinator_client.post(url, {"file": upload, "consented": "on"})
    assert response.status_code == 302
    saved = Response.objects.filter(wave=start_wave, source=ResponseSource.IMPORT)
    assert sorted(str(r.response_code) for r in saved) == sorted([first, second])
    # The same file again: the same rows, nothing added.
    assert (
        import_paper_returns(
            wave=start_wave, content=content, file_name="forms.csv", entered_by=None
        )
        == 2
    )
    assert saved.count() == 2


def test_a_file_with_any_bad_row_saves_nothing_and_names_each_problem(
    coordinator_client, partnership, start_wave
):
    good, used = code_for(start_wave.plan), code_for(start_wave.plan)
    import_paper_returns(
        wave=start_wave, content=f"code,c1\n{used},3\n".encode(), file_name="a.csv", entered_by=None
    )
    content = (
        f"code,c1,k2\n{good},4,2\nNOTACODE,3,1\n{good},3,1\n{used},3,1\nACDEFGHJ,9,7\n"
    ).encode()
    url = reverse(
        "evaluation:paper-import", kwargs={"code": partnership.code, "wave_id": start_wave.pk}
    )
    upload = SimpleUploadedFile("forms.csv", content, content_type="text/csv")
    page = coordinator_client.post(url, {"file": upload, "consented": "on"}).content.decode()
    assert "no forms were saved" in page
    assert "Row 3, column code" in page and "NOTACODE is not a response code" in page
    assert f"{good} is used twice: also on row 2" in page
    assert f"{used} has already answered this questionnaire" in page
    assert "Row 6, column c1" in page and "must be a whole number from 1 to 5" in page
    assert "Row 6, column k2" in page
    assert Response.objects.filter(wave=start_wave).count() == 1


def test_a_column_that_is_no_question_is_refused(start_wave):
    with pytest.raises(EvaluationError) as refused:
        import_paper_returns(
            wave=start_wave, content=b"code,c1,q99\nX,1,2\n", file_name="f.csv", entered_by=None
        )
    assert refused.value.errors == {"Column q99": "is not a question of this questionnaire."}


def test_letters_print_as_a_pdf_with_each_persons_code(coordinator_client, partnership, start_wave):
    code = code_for(start_wave.plan)
    url = reverse(
        "evaluation:paper-letters", kwargs={"code": partnership.code, "wave_id": start_wave.pk}
    )
    assert "Print questionnaire letters" in coordinator_client.get(url).content.decode()
    response = coordinator_client.post(url, {"session": start_wave.plan.session_id})
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert code in text and "/evaluation/answer/" in text.replace("\n", "")
