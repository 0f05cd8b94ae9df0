"""What `scaffold gen resource` generates, worked out from the command: the spec (names,
paths, actions, its attributes and primary key), the model's code, the migration, and the data
the generated tests use. Private to the resource installer (scaffold.installers.resource)."""
