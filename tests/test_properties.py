"""Property: any sequence of generator commands with valid attributes makes an app whose
own tests pass (among them, that the migrations agree with the models), and every command
run a second time changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.conftest import run_scaffold
from tests.support.apps import AppEnvironment

pytestmark = pytest.mark.slow

DOMAINS = ("Blog", "Shop", "Crm")
NAMES = ("Post", "Author", "Product", "Invoice", "Contact", "Note", "Event", "Review")
WORDS = ("title", "summary", "rank", "price", "active", "due", "seen_at", "code", "meta", "kind")
SIMPLE = ("string", "text", "integer", "float", "decimal", "boolean", "date", "datetime",
          "uuid", "json")  # fmt: skip


@st.composite
def attribute(draw: st.DrawFn, name: str) -> str:
    kind = draw(st.sampled_from((*SIMPLE, "enum")))
    spec = f"{name}:{kind}"
    if kind == "enum":
        spec += ":" + ",".join(draw(st.lists(st.sampled_from(("a", "b", "c", "d")), min_size=1,
                                             max_size=3, unique=True)))  # fmt: skip
    modifiers = draw(st.sets(st.sampled_from(("required", "unique", "index"))))
    if kind in ("string", "text", "integer", "json") or "required" in modifiers:
        modifiers.discard("unique")  # keep samples simple: unique needs distinct values
    return ":".join([spec, *sorted(modifiers)])


@st.composite
def commands(draw: st.DrawFn) -> list[list[str]]:
    made: list[str] = []
    result = []
    for _ in range(draw(st.integers(1, 3))):
        name = f"{draw(st.sampled_from(DOMAINS))}.{draw(st.sampled_from(NAMES))}"
        if any(name.split(".")[1] == other.split(".")[1] for other in made):
            continue  # one class name per app: SQLAlchemy finds related models by it
        words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4, unique=True))
        attributes = [draw(attribute(word)) for word in words]
        if made and draw(st.booleans()):
            target = draw(st.sampled_from(made))
            attributes.append(f"{target.split('.')[1].lower()}_ref:references:{target}")
        key = draw(st.sampled_from(("uuid", "uuid7", "int")))
        result.append(["gen", "resource", name, *attributes, "--primary-key", key])
        made.append(name)
    return result


@pytest.fixture(scope="module")
def blank_app(tmp_path_factory: pytest.TempPathFactory, app_env: AppEnvironment) -> Path:
    folder = tmp_path_factory.mktemp("property")
    assert run_scaffold("new", "prop_app", "--yes", "--no-git", cwd=folder).returncode == 0
    app_env.install(folder / "prop_app")  # its dependencies, once: copies run uninstalled
    return folder / "prop_app"


# Shrinking would rerun whole apps for minutes: the failing example is reported as found.
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(sequence=commands())
def test_generated_apps_pass_their_own_tests(
    sequence: list[list[str]], blank_app: Path, app_env: AppEnvironment, tmp_path_factory
) -> None:
    app = tmp_path_factory.mktemp("example") / "prop_app"
    shutil.copytree(blank_app, app)
    for command in sequence:
        made = run_scaffold(*command, "--yes", cwd=app)
        assert made.returncode == 0, (command, made.stdout, made.stderr)
        again = run_scaffold(*command, "--yes", cwd=app)
        assert again.stdout.strip() == "No changes", (command, again.stdout)
    # pyproject's pythonpath and alembic.ini's prepend_sys_path find the app uninstalled.
    tests = app_env.run(app, "pytest", "-q", "-x", "-p", "no:cacheprovider", check=False)
    assert tests.returncode == 0, (sequence, tests.stdout[-3000:])
    app_env.run(app, "ruff", "check", ".")
