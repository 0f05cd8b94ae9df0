"""The built-in installers. Each is registered as a `scaffold.installers` entry point in
scaffold's own pyproject.toml, just as a third-party package registers its own."""
