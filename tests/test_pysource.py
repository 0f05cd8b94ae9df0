"""Source written by scaffold.pysource is as ruff format writes it: checked by ruff itself."""

from __future__ import annotations

import subprocess

import pytest
from ruff.__main__ import find_ruff_bin

from scaffold.pysource import Call, line, text

RUFF = find_ruff_bin()
WORDS = (
    "This note could not be saved: the chosen post or its author no longer exists " * 4
).split()


def _formatted(source: str) -> str:
    command = [RUFF, "format", "--isolated", "--line-length", "100", "-"]
    return subprocess.run(command, input=source, capture_output=True, text=True, check=True).stdout


def _sentence(length: int) -> str:
    """Words of WORDS, the last one cut or stretched so that the whole is `length` long."""
    words = " ".join(WORDS)[:length].rstrip()
    return words + "s" * (length - len(words))


@pytest.mark.parametrize("indent", [0, 4])
def test_a_string_of_any_length_is_laid_out_as_ruff_format_does(indent: int) -> None:
    """On one line, alone in parentheses, or in parts, as its length requires."""
    values = [_sentence(length) for length in range(60, 260)]
    source = "".join(text("CONFLICT = ", value, indent) + "\n" for value in values)
    source = f"def f():\n{source}" if indent else source
    assert _formatted(source) == source


@pytest.mark.parametrize("length", [20, 40, 60, 70, 80])
def test_an_annotated_call_of_any_length_is_laid_out_as_ruff_format_does(length: int) -> None:
    """`name: Mapped[X] = call(...)`: on one line; the call's arguments below; the value in
    parentheses; or, when even `name: Mapped[X] = (` is too long, the annotation split."""
    kind = "Kind" * (length // 4)
    statement = line(
        f"    units_received: Mapped[{kind} | None] = ",
        Call("mapped_column", ["sa.Enum(Kind, native_enum=False)", "index=True"]),
    )
    source = f"class Model:\n{statement}\n"
    assert _formatted(source) == source
