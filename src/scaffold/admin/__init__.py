"""What `scaffold install admin` generates: a view of each resource, read from its model.
Private to the admin's installers (scaffold.installers.admin and admin_view)."""
