"""Renames in a migration: read from --rename, checked against what the comparison offers,
asked about in order, never guessed."""

from __future__ import annotations

import re

import pytest

from scaffold.errors import UsageError
from scaffold.schema.renames import Rename, check, choose, parse

BIO = Rename("posts", "bio", "biography")
TABLE = Rename("posts", None, "articles")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("posts.bio:biography", BIO),
        ("posts.bio:posts.biography", BIO),
        (" posts.bio:biography ", BIO),
        ("posts:articles", TABLE),
        ("_t.c_1:c_2", Rename("_t", "c_1", "c_2")),
    ],
)
def test_parse(text: str, expected: Rename) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("bio", "write OLD:NEW"),
        ("posts.bio:", "write OLD:NEW"),
        ("posts.bio:bio-graphy", "write OLD:NEW"),
        ("a.b.c:d", "write OLD:NEW"),
        ("posts.bio:comments.bio", "a column keeps its table"),
        ("posts:blog.articles", "a column keeps its table"),
    ],
)
def test_parse_refuses_what_is_not_a_rename(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse(text)


def test_what_a_rename_says() -> None:
    assert (BIO.old, BIO.target, BIO.pair(), str(BIO)) == (
        "posts.bio", "posts.biography", ["posts.bio", "biography"], "posts.bio:biography"
    )  # fmt: skip
    assert BIO.question() == "Was posts.bio renamed to posts.biography?"
    assert TABLE.question() == "Was the table posts renamed to articles?"
    assert Rename.of(["posts.bio", "biography"]) == BIO
    assert Rename.of(["posts", "articles"]) == TABLE


DROPPED = {"posts.bio": "TEXT", "posts.slug": "VARCHAR(255)", "posts": None}
ADDED = {"posts.biography": "TEXT", "posts.about": "VARCHAR(255)", "articles": None}


def test_an_offered_rename_passes() -> None:
    check([BIO], [BIO], DROPPED, ADDED)  # raises nothing


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("posts.title:name", "this migration drops no column posts.title"),
        ("posts.bio:summary", "this migration adds no column posts.summary"),
        ("users:people", "this migration drops no table users"),
        ("posts.bio:about", "posts.bio is TEXT and posts.about is VARCHAR(255); a rename keeps"),
        ("posts:articles", "the tables posts and articles differ in their columns"),
    ],
)
def test_a_rename_not_offered_says_why(given: str, message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        check([parse(given)], [BIO], DROPPED, ADDED)


def test_two_renames_of_one_column_clash() -> None:
    other = Rename("posts", "bio", "about")
    with pytest.raises(UsageError, match=re.escape("posts.bio:biography and --rename posts.bio")):
        check([BIO, other], [BIO, other], DROPPED, ADDED)


def _asker(answers: dict[str, bool]):
    asked: list[str] = []

    def ask(question: str) -> bool:
        asked.append(question)
        return answers.get(question, False)

    return ask, asked


def test_choose_asks_each_offer_in_order_and_keeps_the_yeses() -> None:
    slug = Rename("posts", "slug", "permalink")
    ask, asked = _asker({slug.question(): True})
    assert choose([BIO, slug], [], ask) == [slug]
    assert asked == [BIO.question(), slug.question()]


def test_choose_asks_nothing_about_what_is_given_or_already_taken() -> None:
    # bio could also be `about`, and `biography` could also be what `summary` became.
    offers = [BIO, Rename("posts", "bio", "about"), Rename("posts", "summary", "biography")]
    ask, asked = _asker({})
    assert choose(offers, [BIO], ask) == [BIO]
    assert asked == []


def test_a_no_asks_the_next_candidate_for_the_same_column() -> None:
    about = Rename("posts", "bio", "about")
    ask, asked = _asker({about.question(): True})
    assert choose([BIO, about], [], ask) == [about]
    assert asked == [BIO.question(), about.question()]
