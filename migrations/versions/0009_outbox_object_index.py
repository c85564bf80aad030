"""Outbox: an index by object, for what was written about a submission (the delivery of its
decision letters, shown to administrators beside the standstill).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 08:50:00
"""
from __future__ import annotations

from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_object_type_object_id', ['object_type', 'object_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_object_type_object_id')
