from pathlib import Path

from scaffold.rendering import render, render_tree


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
