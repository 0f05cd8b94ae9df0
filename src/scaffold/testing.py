"""Helpers for testing installers with pytest, the way scaffold tests its own.

    from scaffold import testing

    def test_adds_the_page():
        project = testing.project({"pyproject.toml": PYPROJECT, "src/app/web/router.py": ROUTER})
        testing.run(project, my_installer, title="Hi")
        testing.assert_creates(project, "src/app/web/hello.py")
        testing.assert_has_patch(project, "src/app/web/router.py", "+ |from app.web import hello")
        testing.run(project, my_installer, title="Hi")  # composing again changes nothing more

A project lives in memory (nothing touches disk), or is written under a folder you give
(pytest's `tmp_path`) when the installer runs commands on real files.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from scaffold import diff
from scaffold.declare import Installer
from scaffold.project import Change, Project


class _MemoryProject(Project):
    """A project whose "disk" is a dict: reads never leave memory."""

    def __init__(
        self, files: Mapping[str, str], force: bool, ask: Callable[[str], bool] | None
    ) -> None:
        super().__init__(Path("/in-memory-project"), force=force, ask=ask)
        self._files = dict(files)

    def _original(self, key: str) -> str | None:
        self._disk.setdefault(key, self._files.get(key))
        return self._disk[key]

    def _listing(self, folder: str) -> list[str]:
        prefix = folder + "/"
        return [
            path[len(prefix) :]
            for path in self._files
            if path.startswith(prefix) and "/" not in path[len(prefix) :]
        ]


def project(
    files: Mapping[str, str] | None = None,
    *,
    root: Path | None = None,
    force: bool = False,
    ask: Callable[[str], bool] | None = None,
) -> Project:
    """A project holding `files` ({path: content}): in memory, or written under `root`.
    `force`: as a run given --force; `ask`: answers the installer's questions (by default
    no one is asked, and every answer is no)."""
    files = files or {}
    if root is None:
        return _MemoryProject(files, force, ask)
    for path, content in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(content)
    return Project(root, force=force, ask=ask)


def run(project: Project, installer: Installer | str, **options: Any) -> Project:
    """Run an installer (an object, or the name of an installed one) on `project`."""
    if isinstance(installer, str):
        project.compose(installer, **options)
    else:
        project.apply(installer, **options)
    return project


def written(files: Mapping[str, str], project: Project) -> dict[str, str]:
    """`files` once the changes staged on `project` (a project of those files) are written:
    what to run an installer on again, to check that the second run changes nothing."""
    result = dict(files)
    for staged in project.changes():
        if staged.after is None:
            result.pop(staged.path, None)
        else:
            result[staged.path] = staged.after
    return result


def change(project: Project, path: str) -> Change | None:
    """The change staged on `path` (its `status`, `before` and `after`), if any."""
    return next((c for c in project.changes() if c.path == path), None)


def assert_creates(project: Project, path: str, content: str | None = None) -> None:
    """`path` is created (with exactly `content`, when given)."""
    found = change(project, path)
    assert found is not None and found.status == "create", f"{path} is not created"
    if content is not None:
        assert found.after == content, f"{path} is created with other content:\n{found.after}"


def assert_has_patch(project: Project, path: str, patch: str) -> None:
    """The preview of `path`'s update contains `patch` (lines as the preview shows them,
    e.g. `+ |from app.web import hello`; compared without surrounding spaces)."""
    found = change(project, path)
    assert found is not None and found.status == "update", f"{path} is not updated"
    shown = diff.render(found).plain
    wanted = [line.strip() for line in textwrap.dedent(patch).strip().splitlines()]
    lines = [line.strip() for line in shown.splitlines()]
    assert any(
        [line.endswith(w) or line == w for line, w in zip(lines[i:], wanted, strict=False)]
        == [True] * len(wanted)
        for i in range(len(lines) - len(wanted) + 1)
    ), f"{path}: the patch\n{patch}\nis not in the preview:\n{shown}"


def assert_unchanged(project: Project, *paths: str) -> None:
    """Nothing changes (or nothing among `paths`)."""
    changed = [c.path for c in project.changes() if not paths or c.path in paths]
    assert not changed, f"changed: {', '.join(changed)}"


def assert_issue(project: Project, text: str) -> None:
    """An issue (what stops the run) contains `text`."""
    _assert_said(project.issues, "issue", text)


def assert_warning(project: Project, text: str) -> None:
    """A warning contains `text`."""
    _assert_said(project.warnings, "warning", text)


def assert_data_loss(project: Project, text: str) -> None:
    """A data loss (what a change loses once applied) says `text`."""
    _assert_said([loss.what for loss in project.losses()], "data loss", text)


def assert_notice(project: Project, text: str) -> None:
    """A notice (shown after the write) contains `text`."""
    _assert_said(project.notices, "notice", text)


def _assert_said(messages: list[str], kind: str, text: str) -> None:
    assert any(text in message for message in messages), f"no {kind} says {text!r}: {messages}"
