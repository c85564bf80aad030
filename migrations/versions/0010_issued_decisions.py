"""Issued decisions: each submission's decision document in every language as it was issued
(the ESR decision, the delivered procurement decision), so that the decision page and PDF
show what was decided then, as the mail does.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 08:50:37.594329
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import models

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('issued_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('issued_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('letters', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('funding_decision', 'procurement_decision')", name=op.f('ck_issued_decisions_kind')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_issued_decisions_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_decisions')),
    sa.UniqueConstraint('submission_id', 'kind', 'issued_at', name=op.f('uq_issued_decisions_submission_id'))
    )


def downgrade() -> None:
    op.drop_table('issued_decisions')
