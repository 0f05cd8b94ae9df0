"""The migration that creates the tables of auth: users, their tokens, their API tokens, and
rate-limit counters.

Written as Alembic's autogenerate writes it for the generated models, every constraint named as
the app's naming convention (db.py) names it, so that `alembic check` finds nothing to change.
"""

MESSAGE = "Create users, user tokens, API tokens and rate-limit counters"

API_TOKENS = """\
op.create_table(
    "api_tokens",
    sa.Column("id", sa.Uuid(), nullable=False),
    sa.Column("user_id", sa.Uuid(), nullable=False),
    sa.Column("name", sa.String(length=100), nullable=False),
    sa.Column("token_hash", sa.LargeBinary(), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("inserted_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(
        ["user_id"],
        ["users.id"],
        name=op.f("fk_api_tokens_user_id_users"),
        ondelete="CASCADE",
    ),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
    sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
)
op.create_index(op.f("ix_api_tokens_user_id"), "api_tokens", ["user_id"], unique=False)
"""

DROP_API_TOKENS = """\
op.drop_index(op.f("ix_api_tokens_user_id"), table_name="api_tokens")
op.drop_table("api_tokens")
"""

UPGRADE = f"""\
op.create_table(
    "users",
    sa.Column("id", sa.Uuid(), nullable=False),
    sa.Column("email", sa.String(length=160), nullable=False),
    sa.Column("hashed_password", sa.String(length=255), nullable=True),
    sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("is_admin", sa.Boolean(), nullable=False),
    sa.Column("is_owner", sa.Boolean(), nullable=False),
    sa.Column("inserted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    sa.UniqueConstraint("email", name=op.f("uq_users_email")),
)
op.create_table(
    "user_tokens",
    sa.Column("id", sa.Uuid(), nullable=False),
    sa.Column("token_hash", sa.LargeBinary(), nullable=False),
    sa.Column("purpose", sa.String(length=200), nullable=False),
    sa.Column("sent_to", sa.String(length=160), nullable=True),
    sa.Column("user_id", sa.Uuid(), nullable=True),
    sa.Column("inserted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("authenticated_at", sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(
        ["user_id"],
        ["users.id"],
        name=op.f("fk_user_tokens_user_id_users"),
        ondelete="CASCADE",
    ),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_user_tokens")),
    sa.UniqueConstraint("token_hash", name=op.f("uq_user_tokens_token_hash")),
)
op.create_index(op.f("ix_user_tokens_user_id"), "user_tokens", ["user_id"], unique=False)
{API_TOKENS}op.create_table(
    "rate_limit_counters",
    sa.Column("key", sa.String(length=100), nullable=False),
    sa.Column("hits", sa.Integer(), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limit_counters")),
)
op.create_index(
    op.f("ix_rate_limit_counters_expires_at"),
    "rate_limit_counters",
    ["expires_at"],
    unique=False,
)
"""

DOWNGRADE = f"""\
op.drop_index(op.f("ix_rate_limit_counters_expires_at"), table_name="rate_limit_counters")
op.drop_table("rate_limit_counters")
{DROP_API_TOKENS}op.drop_index(op.f("ix_user_tokens_user_id"), table_name="user_tokens")
op.drop_table("user_tokens")
op.drop_table("users")
"""
