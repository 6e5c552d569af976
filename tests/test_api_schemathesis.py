"""Schemathesis against the OpenAPI schema the app publishes (issue 3): no request it can
make, valid or not, may end in a server error.

The schema is read from ``/api/schema/`` of ``portal.wsgi.application`` and every operation
is called in-process through the same WSGI application, once as a citizen and once as a
one-stop clerk (an API token, ``Authorization: Token <token>``), against a little real data: the
dossier World and a submitted dossier. Path parameters are drawn partly from that data (the
dossier's code, the workflow's verbs, the procedure's code), so the generated requests reach
the services and not only the 404 branch.

Bounded and reproducible: ``MAX_EXAMPLES`` per operation and phase, no deadline, derandomized,
no example database. The WSGI calls run in the test's thread, outside Django's test client,
so the test needs real transactions (the request signals close connections).
"""

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from knox.models import AuthToken
from pytest_django.fixtures import Settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.errors import FailureGroup
from schemathesis.schemas import APIOperation, BaseSchema
from schemathesis.specs.openapi.checks import response_schema_conformance

from accounts.models import User
from dossiers.api import API_VERBS
from dossiers.models import Dossier, State
from tests.dossiers.factories import World, build_dossier, build_world

pytestmark = [
    pytest.mark.slow,
    # The in-process WSGI calls fire request_started/finished (close_old_connections),
    # which would break a test wrapped in one transaction; roles from migrations survive.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Per operation and kind of data; SCHEMATHESIS_MAX_EXAMPLES=500 for a longer hunt.
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"))
SCHEMA_PATH = "/api/schema/?format=json"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\n%%EOF\n"


ROLES = ["citizen", "clerk", "head"]
# No server error, and every answer is what the schema says it is: a documented status's
# body matches its schema (errors included: every 4xx has a ``detail``).
CHECKS = [not_a_server_error, response_schema_conformance]


@dataclass
class ApiData:
    world: World
    dossiers: dict[str, Dossier]
    caller: User
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.token}"}


@pytest.fixture
def uploads(settings: Settings, tmp_path: Path) -> Path:
    """Uploads go to a fresh folder; schemathesis's WSGI client calls the host "localhost"."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    return root


@pytest.fixture(params=ROLES)
def api_data(request: pytest.FixtureRequest, uploads: Path) -> ApiData:
    """The World, the citizen's dossiers at four points of the workflow, and one caller."""
    world = build_world()
    dossiers = {
        state: build_dossier(world, state)
        for state in (State.DRAFT, State.SUBMITTED, State.IN_APPRAISAL, State.RETURNED)
    }
    caller: User = getattr(world, request.param)
    _, token = AuthToken.objects.create(user=caller)
    return ApiData(world, dossiers, caller, token)


def _known_path_values(data: ApiData) -> dict[str, list[Any]]:
    """Values of path parameters that lead to real objects."""
    refs = [dossier.ref for dossier in data.dossiers.values()]
    return {
        "ref": refs,
        "code": [*refs[1:], data.world.procedure.code],
        "verb": sorted(API_VERBS),
    }


def _known_body_values(data: ApiData) -> dict[str, list[Any]]:
    """Values of body fields that lead past the lookups, into the services."""
    world = data.world
    return {
        "procedure": [world.procedure.code],
        "agency": [world.centre.code],
        "component": [component.pk for component in world.components],
        "assignee": [world.specialist.pk, world.citizen.pk],
        "file": [PDF],
        "result_file": [PDF],
    }


def _sometimes_known(values: Any, known: dict[str, list[Any]]) -> Any:
    """Each generated value of a known name is kept, or swapped for a real one."""
    if not isinstance(values, dict) or not values.keys() & known.keys():
        return st.just(values)
    return st.fixed_dictionaries(
        {
            name: st.sampled_from([*known[name], value])
            if _swappable(name, value, known)
            else st.just(value)
            for name, value in values.items()
        }
    )


def _swappable(name: str, value: Any, known: dict[str, list[Any]]) -> bool:
    # A file only in a multipart body (where schemathesis generates bytes), never in JSON.
    return name in known and (isinstance(value, bytes) or not isinstance(known[name][0], bytes))


@pytest.fixture
def api_schema(api_data: ApiData) -> BaseSchema:
    """The schema the app serves, called in-process, its parameters partly from real data."""
    from portal.wsgi import application

    config = schemathesis.Config.from_dict(
        {"generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"}}
    )
    schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, application, config=config)
    known_path = _known_path_values(api_data)
    known_body = _known_body_values(api_data)

    @schema.hook
    def flatmap_path_parameters(context: Any, path_parameters: Any) -> Any:
        return _sometimes_known(path_parameters, known_path)

    @schema.hook
    def flatmap_body(context: Any, body: Any) -> Any:
        return _sometimes_known(body, known_body)

    return schema


@dataclass
class Outcome:
    server_errors: list[str]
    statuses: dict[str, Counter[int]]


# Logging out revokes the token the run uses: tests/dossiers/test_api_tokens.py covers them.
REVOKING = {"/api/v1/auth/logout/", "/api/v1/auth/logout-all/"}


def run_schemathesis(schema: BaseSchema, headers: dict[str, str]) -> Outcome:
    """Every operation with valid, then invalid data; ``CHECKS`` on each answer."""
    outcome = Outcome(server_errors=[], statuses={})
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path in REVOKING:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _run_operation(operation, mode, headers, outcome)
            except Unsatisfiable:
                # A free-form path segment has no invalid value: nothing negative to send.
                if mode is GenerationMode.POSITIVE:
                    raise
    return outcome


def _run_operation(
    operation: APIOperation, mode: GenerationMode, headers: dict[str, str], outcome: Outcome
) -> None:
    statuses = outcome.statuses.setdefault(operation.label, Counter())

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: every error is kept
        suppress_health_check=list(HealthCheck),
    )
    def call(case: Any) -> None:
        response = case.call(headers=headers)
        statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as failures:
            outcome.server_errors.append(
                f"{operation.label} ({mode.value} data) answered {response.status_code}:\n"
                f"{failures}"
            )

    call()


def test_no_operation_answers_a_server_error(api_data: ApiData, api_schema: BaseSchema) -> None:
    outcome = run_schemathesis(api_schema, api_data.headers)

    assert outcome.server_errors == [], "\n\n".join(outcome.server_errors)
    # The requests reached real data through the token, not only the 401/404 branches.
    assert outcome.statuses["GET /api/v1/dossiers/{ref}/"][200] > 0
    assert outcome.statuses["GET /api/v1/procedures/{code}/"][200] > 0
