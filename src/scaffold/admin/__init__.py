"""What `scaffold install admin` generates: a view of each resource, read from its model."""
