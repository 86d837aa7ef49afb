"""Evaluation: instruments, plans, responses and results.

The same rules as the pages, decided by the same functions
(``evaluation.access``). Coordinators, board members and trainers read
instruments; coordinators and board members every plan and its results,
trainers the plans of the sessions they deliver. Coordinators attach plans,
enter answers (from paper or a file) and list a plan's responses, which
show identity only as the plan's response mode allows. A refusal by the
evaluation services answers 400 ``{"detail": message}`` with ``errors``
naming each item or field at fault; nothing is saved half.
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from interagency.catalogue.selectors import catalogue_courses
from interagency.core.api_errors import error_responses
from interagency.core.api_pagination import PageNumberPagination
from interagency.core.permissions import Action
from interagency.delivery.selectors import sessions as session_reads
from interagency.evaluation import overview
from interagency.evaluation.access import (
    InstrumentAct,
    PlanAct,
    instrument_for,
    plan_for,
    plans_seen_by,
)
from interagency.evaluation.analysis import analyse
from interagency.evaluation.api_schemas import (
    InstrumentDetailOut,
    InstrumentOut,
    PaperImportOut,
    PlanIn,
    PlanOut,
    ResponseIn,
    ResponseOut,
    ResultsFilterIn,
    ResultsOut,
)
from interagency.evaluation.errors import EvaluationError
from interagency.evaluation.filters import ResultsFilter
from interagency.evaluation.models import (
    Item,
    Scale,
)
from interagency.evaluation.results_page import results_json
from interagency.evaluation.selectors import evaluation_data
from interagency.evaluation.services.paper import import_paper_returns
from interagency.evaluation.services.plans import WavePlan, attach_plan
from interagency.evaluation.services.responses import submit_response
from interagency.people.importing.reading import MAX_UPLOAD_BYTES
from interagency.tenancy.access import PartnershipAccess, access_for

router = Router(tags=["evaluation"])
E = "/{code}/evaluation"


@router.get(
    f"{E}/instruments",
    response={200: list[InstrumentOut], **error_responses(400, 401, 403, 404)},
    url_name="evaluation-instrument-list",
    summary="Questionnaires",
)
@paginate(PageNumberPagination)
def instrument_list(request: HttpRequest, code: str) -> Any:
    """The partnership's instruments by name, with their latest version's number."""
    access = access_for(request.user, code, Action.VIEW_EVALUATION)
    return overview.instruments_of(access.partnership)


@router.get(
    f"{E}/instruments/{{instrument_id}}",
    response={200: InstrumentDetailOut, **error_responses(400, 401, 403, 404)},
    url_name="evaluation-instrument-detail",
    summary="One questionnaire with every version's scales and items",
)
def instrument_detail(request: HttpRequest, code: str, instrument_id: int) -> Any:
    """Every version, oldest first; a version is never changed once made."""
    access = access_for(request.user, code, Action.VIEW_EVALUATION)
    instrument = instrument_for(access, instrument_id, to=InstrumentAct.VIEW)
    versions = sorted(instrument.versions.all(), key=lambda v: v.number)
    scales, items = overview.versions_content(versions)
    out = []
    for version in versions:
        out.append(
            {
                "id": version.pk,
                "number": version.number,
                "introduction": version.introduction,
                "change_note": version.change_note,
                "scales": [_scale_out(s) for s in scales if s.version_id == version.pk],
                "items": [_item_out(i) for i in items if i.version_id == version.pk],
            }
        )
    return {
        "id": instrument.pk,
        "name": instrument.name,
        "description": instrument.description,
        "templates": list(instrument.templates),
        "latest_version": versions[-1].number if versions else None,
        "versions": out,
    }


def _scale_out(scale: Scale) -> dict[str, Any]:
    return {
        "key": scale.key,
        "name": scale.name,
        "level": scale.level,
        "scoring": scale.scoring,
        "min_answered_percent": scale.min_answered_percent,
        "parent": scale.parent.key if scale.parent else None,
        "preamble": scale.preamble,
    }


def _item_out(item: Item) -> dict[str, Any]:
    return {
        "key": item.key,
        "text": item.text,
        "format": item.response_format,
        "choices": list(item.choices or []),
        "correct_answer": item.correct_answer,
        "reverse_keyed": item.reverse_keyed,
        "scale": item.scale.key if item.scale else None,
    }


@router.get(
    f"{E}/plans",
    response={200: list[PlanOut], **error_responses(400, 401, 403, 404)},
    url_name="evaluation-plan-list",
    summary="Evaluation plans",
)
@paginate(PageNumberPagination)
def plan_list(request: HttpRequest, code: str) -> Any:
    """The plans the caller may see, newest first, each with its waves."""
    access = access_for(request.user, code, Action.VIEW_EVALUATION)
    return overview.with_waves(plans_seen_by(access))


@router.post(
    f"{E}/plans",
    response={201: PlanOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="evaluation-plan-list",
    summary="Attach an evaluation plan to a course or a session",
)
def plan_create(request: HttpRequest, code: str, payload: PlanIn) -> Any:
    """Send ``course`` or ``session``, and each wave with the instrument version it asks."""
    access = access_for(request.user, code, Action.MANAGE_EVALUATION)
    partnership = access.partnership
    errors: dict[str, str] = {}
    course = session = None
    if payload.course is not None:
        courses = catalogue_courses(partnership, include_hidden=True)
        course = courses.filter(pk=payload.course).first()
        if course is None:
            errors["course"] = "There is no course with that id in the catalogue."
    if payload.session is not None:
        session = session_reads.sessions_of(partnership).filter(pk=payload.session).first()
        if session is None:
            errors["session"] = "There is no session with that id here."
    waves = _wave_plans(access, payload, errors)
    if errors:
        raise EvaluationError("The evaluation plan has problems to fix.", errors=errors)
    plan = attach_plan(
        partnership=partnership,
        response_mode=payload.response_mode,
        consent_text=payload.consent_text,
        privacy_text=payload.privacy_text,
        waves=waves,
        created_by=access.user,
        course=course,
        session=session,
    )
    return Status(201, plan_for(access, plan.pk, to=PlanAct.VIEW))


def _wave_plans(access: PartnershipAccess, payload: PlanIn, errors: dict[str, str]) -> list:
    wanted = {w.instrument_version for w in payload.waves} | {
        w.line_manager_version for w in payload.waves if w.line_manager_version is not None
    }
    versions = overview.versions_by_id(access.partnership, wanted)
    waves = []
    for index, wave in enumerate(payload.waves):
        version = versions.get(wave.instrument_version)
        manager = versions.get(wave.line_manager_version) if wave.line_manager_version else None
        if version is None or (wave.line_manager_version and manager is None):
            errors[f"waves.{index}"] = "There is no instrument version with that id here."
            continue
        waves.append(
            WavePlan(
                kind=wave.kind,
                instrument_version=version,
                weeks_after_end=wave.weeks_after_end,
                line_manager_version=manager,
            )
        )
    return waves


@router.get(
    f"{E}/plans/{{plan_id}}",
    response={200: PlanOut, **error_responses(400, 401, 403, 404)},
    url_name="evaluation-plan-detail",
    summary="One evaluation plan with its waves",
)
def plan_detail(request: HttpRequest, code: str, plan_id: int) -> Any:
    access = access_for(request.user, code, Action.VIEW_EVALUATION)
    return plan_for(access, plan_id, to=PlanAct.VIEW)


@router.get(
    f"{E}/plans/{{plan_id}}/results",
    response={200: ResultsOut, **error_responses(400, 401, 403, 404)},
    url_name="evaluation-plan-results",
    summary="The plan's results: every scale at every wave, change, reliability, attrition",
)
def plan_results(
    request: HttpRequest, code: str, plan_id: int, filters: Query[ResultsFilterIn]
) -> Any:
    """The learners' figures as the results page shows them, filtered as it filters; a figure
    over fewer than five paired people is ``{"too_few": words, "n", "minimum"}``."""
    access = access_for(request.user, code, Action.VIEW_EVALUATION)
    plan = plan_for(access, plan_id, to=PlanAct.VIEW)
    only = ResultsFilter(**filters.dict())
    return results_json(analyse(evaluation_data(plan, only=only)))


@router.get(
    f"{E}/plans/{{plan_id}}/responses",
    response={200: list[ResponseOut], **error_responses(400, 401, 403, 404)},
    url_name="evaluation-response-list",
    summary="A plan's responses",
)
@paginate(PageNumberPagination)
def response_list(request: HttpRequest, code: str, plan_id: int) -> Any:
    """Coordinators only. A named evaluation shows each respondent's name, a pseudonymous
    one their response code, an anonymous one neither."""
    access = access_for(request.user, code, Action.MANAGE_EVALUATION)
    plan = plan_for(access, plan_id, to=PlanAct.MANAGE)
    return overview.plan_responses(plan)


@router.post(
    f"{E}/plans/{{plan_id}}/responses",
    response={201: ResponseOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="evaluation-response-list",
    summary="Enter a response (from paper or a file)",
)
def response_submit(request: HttpRequest, code: str, plan_id: int, payload: ResponseIn) -> Any:
    """Saved whole or refused naming each item at fault; the same ``idempotency_key`` again
    returns the first response."""
    access = access_for(request.user, code, Action.MANAGE_EVALUATION)
    plan = plan_for(access, plan_id, to=PlanAct.MANAGE)
    wave = next((w for w in plan.waves.all() if w.pk == payload.wave), None)
    if wave is None:
        raise EvaluationError("That wave is not one of this plan's.", errors={"wave": "unknown"})
    session = None
    if payload.session is not None:
        session = session_reads.sessions_of(access.partnership).filter(pk=payload.session).first()
        if session is None:
            raise EvaluationError("There is no session with that id here.", errors={"session": ""})
    wave.plan = plan
    response = submit_response(
        wave=wave,
        answers=payload.answers,
        idempotency_key=payload.idempotency_key,
        consented=payload.consented,
        respondent=payload.respondent,
        code=payload.code,
        session=session,
        source=payload.source,
        entered_by=access.user,
    )
    return Status(201, overview.plan_responses(plan).get(pk=response.pk))


IMPORT_FILE = File(
    None,
    description="A CSV or Excel (.xlsx) file of forms, 20 MB at most: a `code` column (the "
    "response code printed on each form) and one column per question key.",
)


@router.post(
    f"{E}/plans/{{plan_id}}/waves/{{wave_id}}/imports",
    response={201: PaperImportOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="evaluation-paper-import",
    summary="Import a file of paper forms as responses to one wave",
)
def paper_import(
    request: HttpRequest,
    code: str,
    plan_id: int,
    wave_id: int,
    file: UploadedFile | None = IMPORT_FILE,
) -> Any:
    """Send ``multipart/form-data`` with the field ``file``. Every row is checked first: a
    file with any problem saves nothing and answers 400 with ``errors`` naming each row and
    column ("Row 3, column code"). Importing the same file again adds nothing."""
    access = access_for(request.user, code, Action.MANAGE_EVALUATION)
    plan = plan_for(access, plan_id, to=PlanAct.MANAGE)
    wave = next((w for w in plan.waves.all() if w.pk == wave_id), None)
    if wave is None:
        raise EvaluationError("That wave is not one of this plan's.", errors={"wave": "unknown"})
    if file is None:
        raise DjangoValidationError({"file": "Send the forms' CSV or XLSX file as 'file'."})
    wave.plan = plan
    saved = import_paper_returns(
        wave=wave,
        content=file.read(MAX_UPLOAD_BYTES + 1),
        file_name=file.name or "forms.csv",
        entered_by=access.user,
    )
    return Status(201, {"wave": wave.pk, "saved": saved})
