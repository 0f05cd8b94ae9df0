"""Scripts scaffold runs with the app's own Python, where the app's models can be imported.
They never import scaffold."""
