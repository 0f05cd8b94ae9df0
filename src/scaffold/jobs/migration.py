"""The migration of the table of failed jobs, as Alembic's autogenerate writes it for the
generated model (constraints named by the app's naming convention, so `alembic check` agrees).
"""

MESSAGE = "Create the job failures"

UPGRADE = """\
op.create_table(
    "job_failures",
    sa.Column("id", sa.Uuid(), nullable=False),
    sa.Column("job", sa.String(length=200), nullable=False),
    sa.Column("job_id", sa.String(length=64), nullable=False),
    sa.Column("error", sa.Text(), nullable=False),
    sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_job_failures")),
)
op.create_index(op.f("ix_job_failures_failed_at"), "job_failures", ["failed_at"], unique=False)
"""

DOWNGRADE = """\
op.drop_index(op.f("ix_job_failures_failed_at"), table_name="job_failures")
op.drop_table("job_failures")
"""
