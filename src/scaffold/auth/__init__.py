"""What `scaffold install auth` generates and how it wires it into an app (see
scaffold.installers.auth): the files of each strategy, the migration, and the edits. Private
to the auth installer."""
