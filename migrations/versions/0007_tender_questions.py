"""Tender questions (issue 3): bidders' questions about a call for tenders and the answers
published to all bidders, anonymised.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 05:24:13.430807
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('tender_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('asked_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('public_question', sa.Text(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(answer IS NULL) = (answered_at IS NULL)', name=op.f('ck_tender_questions_answered')),
    sa.CheckConstraint('(answered_at IS NULL) = (answered_by_id IS NULL)', name=op.f('ck_tender_questions_answered_by')),
    sa.CheckConstraint('published_at IS NULL OR answered_at IS NOT NULL', name=op.f('ck_tender_questions_published_answered')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_tender_questions_answered_by_id_users')),
    sa.ForeignKeyConstraint(['asked_by_id'], ['users.id'], name=op.f('fk_tender_questions_asked_by_id_users')),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_tender_questions_call_id_calls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_tender_questions_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tender_questions'))
    )
    with op.batch_alter_table('tender_questions', schema=None) as batch_op:
        batch_op.create_index('ix_tender_questions_call_id_published_at', ['call_id', 'published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tender_questions_organisation_id'), ['organisation_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('tender_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tender_questions_organisation_id'))
        batch_op.drop_index('ix_tender_questions_call_id_published_at')

    op.drop_table('tender_questions')
