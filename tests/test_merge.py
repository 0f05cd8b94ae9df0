"""The three-way merge of `scaffold upgrade`, held to `git merge-file`."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scaffold.merge import Overlap, merge

BASE = "a\nb\nc\nd\ne\nf\ng\n"


def test_changes_far_apart_are_both_kept() -> None:
    ours = BASE.replace("b\n", "B\n")
    theirs = BASE.replace("f\n", "F\n")
    merged = merge(BASE, ours, theirs)
    assert merged.text == merged.kept == "a\nB\nc\nd\ne\nF\ng\n" and not merged.overlaps


def test_the_same_change_on_both_sides_is_no_overlap() -> None:
    both = BASE.replace("c\n", "C\nC2\n")
    assert merge(BASE, both, both).text == both


def test_an_overlap_is_merged_both_ways() -> None:
    ours = BASE.replace("c\n", "mine\n").replace("a\n", "A\n")
    theirs = BASE.replace("c\n", "theirs\n").replace("g\n", "G\n")
    merged = merge(BASE, ours, theirs)
    assert merged.overlaps == (Overlap(3, ("mine\n",), ("theirs\n",)),)
    assert merged.text == "A\nb\ntheirs\nd\ne\nf\nG\n"
    assert merged.kept == "A\nb\nmine\nd\ne\nf\nG\n"


lines = st.lists(st.sampled_from(["a\n", "b\n", "c\n", "d\n", "e\n", "x\n"]), max_size=8)


@settings(max_examples=200, deadline=None)
@given(lines, lines, lines)
def test_one_side_unchanged_takes_the_other(base, ours, theirs) -> None:
    old, mine, new = "".join(base), "".join(ours), "".join(theirs)
    assert merge(old, mine, old).text == mine
    assert merge(old, old, new).text == new
    assert merge(old, mine, mine).text == mine


def _edited(data, base: list[str]) -> list[str]:
    """`base` with a few lines replaced, inserted or removed, as a person edits a file."""
    result = list(base)
    for _ in range(data.draw(st.integers(0, 3))):
        at = data.draw(st.integers(0, len(result)))
        kind = data.draw(st.sampled_from(["insert", "replace", "delete"]))
        new = data.draw(st.sampled_from(["x\n", "y\n", "z\n"]))
        if kind == "insert" or at == len(result):
            result.insert(at, new)
        elif kind == "replace":
            result[at] = new
        else:
            del result[at]
    return result


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
@settings(max_examples=150, deadline=None)
@given(st.data())
def test_a_clean_merge_is_git_s(tmp_path_factory, data) -> None:
    base = [f"line {n}\n" for n in range(data.draw(st.integers(0, 12)))]
    ours, theirs = _edited(data, base), _edited(data, base)
    folder = tmp_path_factory.mktemp("merge")
    for name, content in (("base", base), ("ours", ours), ("theirs", theirs)):
        (folder / name).write_text("".join(content))
    git = subprocess.run(
        ["git", "merge-file", "-p", "ours", "base", "theirs"],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    merged = merge("".join(base), "".join(ours), "".join(theirs))
    # Clean here is clean for git too, and the same text (git may merge more: lines alike
    # on both sides of an overlap; then scaffold asks).
    if not merged.overlaps:
        assert (git.returncode, git.stdout) == (0, merged.text)
