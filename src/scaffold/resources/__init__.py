"""What `scaffold gen resource` generates, worked out from the command: the spec (names,
paths, actions), the model's code, the migration, and the data the generated tests use."""
