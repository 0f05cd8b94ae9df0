"""The preview format: Igniter's, plain when not on a terminal."""

from textwrap import dedent

from scaffold.diff import render, size, stats, summary_line
from scaffold.project import Change


def test_create_shows_numbered_lines() -> None:
    text = render(Change("src/app/post.py", "create", None, "import x\n\nx.y()\n")).plain
    assert text == dedent(
        """\
        Create: src/app/post.py

        1 |import x
        2 |
        3 |x.y()
        """
    )


def test_update_shows_old_and_new_numbers_and_skipped_context() -> None:
    before = "".join(f"line {n}\n" for n in range(1, 13))
    after = before.replace("line 6\n", "line 6\nadded\n").replace("line 12\n", "")
    assert render(Change("a.py", "update", before, after)).plain == dedent(
        """\
        Update: a.py

             ...|
         5  5   |line 5
         6  6   |line 6
            7 + |added
         7  8   |line 7
         8  9   |line 8
             ...|
        10 11   |line 10
        11 12   |line 11
        12    - |line 12
        """
    )


def test_conflict_and_delete_headings() -> None:
    conflict = render(Change("x.txt", "conflict", "mine\n", "theirs\n")).plain
    assert conflict == (
        "Conflict: x.txt  (exists with other content)\n\n1   - |mine\n  1 + |theirs\n"
    )
    assert render(Change("x.txt", "delete", "gone\n", None)).plain == "Delete: x.txt\n"


def test_stats_and_summary_line() -> None:
    change = Change("a.py", "update", "a\nb\nc\n", "a\nB\nc\nd\n")
    assert stats(change) == (2, 1)
    assert summary_line(change).plain == "Update: a.py  +2 -1"


def test_size_counts_the_lines_the_preview_would_take() -> None:
    before = "".join(f"line {n}\n" for n in range(1, 30))
    after = before.replace("line 6\n", "line 6\nadded\n").replace("line 20\n", "")
    changes = [
        Change("a.py", "create", None, after),
        Change("a.py", "update", before, after),
        Change("a.py", "conflict", before, after),
        Change("a.py", "delete", before, None),
        Change("a.py", "update", "", "x\n"),
        Change("a.py", "update", "a\nb", "a\nb\n"),
        Change("a.py", "update", "a\r\nb\r\n", "a\nb\r\n"),
    ]
    for change in changes:
        assert size(change) == render(change).plain.count("\n"), change.status


def test_a_change_of_line_ending_alone_is_visible() -> None:
    text = render(Change("a.txt", "update", "one\r\ntwo\r\n", "one\ntwo\r\n")).plain
    assert text == "Update: a.txt\n\n1   - |one␍\n  1 + |one\n2 2   |two\n"


def test_a_change_of_the_final_newline_alone_is_visible() -> None:
    text = render(Change("a.txt", "update", "one\ntwo", "one\ntwo\n")).plain
    assert text == (
        "Update: a.txt\n\n1 1   |one\n2   - |two\n       \\ No newline at end of file\n  2 + |two\n"
    )
    assert stats(Change("a.txt", "update", "one\ntwo", "one\ntwo\n")) == (1, 1)
