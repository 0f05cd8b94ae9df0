from pathlib import Path

from scaffold import testing
from scaffold.rendering import render, render_tree, stage_tree


def test_an_installer_renders_templates_of_its_own(tmp_path: Path) -> None:
    page = tmp_path / "hello" / "src" / "APP" / "web"
    page.mkdir(parents=True)
    (page / "hello.py.jinja").write_text('TITLE = "{{ title }}"  # {{ app }}\n')
    (page / "hello.html.jinja").write_text("<h1>[[ title ]]</h1>{{ request.url }}\n")
    assert render("hello/src/APP/web/hello.py.jinja", templates=tmp_path, title="Hi", app="a") == (
        'TITLE = "Hi"  # a\n'
    )
    assert render_tree("hello", "shop", templates=tmp_path, title="Hi") == {
        "src/shop/web/hello.html": "<h1>Hi</h1>{{ request.url }}\n",
        "src/shop/web/hello.py": 'TITLE = "Hi"  # shop\n',
    }


def test_stage_tree_updates_what_the_user_left_as_made_and_asks_about_the_rest() -> None:
    files = {"a.py": "A = 1\n", "b.py": "B = 1  # edited\n"}
    project = testing.project(files)
    old = {"a.py": "A = 1\n", "b.py": "B = 1\n"}

    stage_tree(project, {"a.py": "A = 2\n", "b.py": "B = 2\n", "c.py": "C = 1\n"}, old)

    assert testing.written(files, project)["a.py"] == "A = 2\n"
    assert project.conflicts() == ["b.py"]
    testing.assert_creates(project, "c.py", "C = 1\n")


def test_stage_tree_follows_a_file_staged_earlier_in_the_same_run() -> None:
    project = testing.project({})
    project.create_file("a.py", "A = 1\n")  # as another installer of this run made it

    stage_tree(project, {"a.py": "A = 2\n"}, {"a.py": "A = 1\n"})

    assert not project.issues and not project.conflicts()
    testing.assert_creates(project, "a.py", "A = 2\n")
