"""What `scaffold install jobs` and `scaffold gen job` generate, and how they wire it into an
app (see scaffold.installers.jobs and scaffold.installers.job): the queue, the worker
command, the record of failures and its migration, and what jobs do for the mailer and auth.
Private to those installers."""
