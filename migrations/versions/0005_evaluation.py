"""Evaluation (issue 5): criteria per call, evaluation settings, review scores, consensus
scores and pass/fail requirement checks.

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-30 05:02:11.262745
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import models

revision = '0005'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('evaluation_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('scale_min', sa.Integer(), nullable=True),
    sa.Column('scale_max', sa.Integer(), nullable=True),
    sa.Column('weight', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('threshold', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.CheckConstraint("kind IN ('eligibility', 'suitability', 'exclusion', 'scored', 'price')", name=op.f('ck_evaluation_criteria_kind')),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_evaluation_criteria_call_id_calls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_criteria'))
    )
    with op.batch_alter_table('evaluation_criteria', schema=None) as batch_op:
        batch_op.create_index('ix_evaluation_criteria_call_id_position', ['call_id', 'position'], unique=False)

    op.create_table('evaluation_settings',
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('min_evaluators', sa.Integer(), nullable=False),
    sa.Column('disagreement_margin', sa.Numeric(precision=5, scale=4), nullable=False),
    sa.Column('abnormally_low_share', sa.Numeric(precision=5, scale=4), nullable=False),
    sa.CheckConstraint('abnormally_low_share > 0 AND abnormally_low_share < 1', name=op.f('ck_evaluation_settings_abnormally_low_share')),
    sa.CheckConstraint('disagreement_margin > 0 AND disagreement_margin <= 1', name=op.f('ck_evaluation_settings_disagreement_margin')),
    sa.CheckConstraint('min_evaluators >= 1', name=op.f('ck_evaluation_settings_min_evaluators')),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_evaluation_settings_call_id_calls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('call_id', name=op.f('pk_evaluation_settings'))
    )
    op.create_table('consensus_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('justification', sa.Text(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=False),
    sa.Column('set_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['evaluation_criteria.id'], name=op.f('fk_consensus_scores_criterion_id_evaluation_criteria'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_consensus_scores_set_by_id_users')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_consensus_scores_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consensus_scores')),
    sa.UniqueConstraint('submission_id', 'criterion_id', name=op.f('uq_consensus_scores_submission_id'))
    )
    with op.batch_alter_table('consensus_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consensus_scores_criterion_id'), ['criterion_id'], unique=False)

    op.create_table('requirement_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('checked_by_id', sa.Integer(), nullable=False),
    sa.Column('checked_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("passed OR reason <> ''", name=op.f('ck_requirement_checks_reason_when_failed')),
    sa.ForeignKeyConstraint(['checked_by_id'], ['users.id'], name=op.f('fk_requirement_checks_checked_by_id_users')),
    sa.ForeignKeyConstraint(['criterion_id'], ['evaluation_criteria.id'], name=op.f('fk_requirement_checks_criterion_id_evaluation_criteria'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_requirement_checks_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_requirement_checks')),
    sa.UniqueConstraint('submission_id', 'criterion_id', name=op.f('uq_requirement_checks_submission_id'))
    )
    with op.batch_alter_table('requirement_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_requirement_checks_criterion_id'), ['criterion_id'], unique=False)

    op.create_table('review_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('justification', sa.Text(), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['evaluator_assignments.id'], name=op.f('fk_review_scores_assignment_id_evaluator_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['criterion_id'], ['evaluation_criteria.id'], name=op.f('fk_review_scores_criterion_id_evaluation_criteria'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_scores')),
    sa.UniqueConstraint('assignment_id', 'criterion_id', name=op.f('uq_review_scores_assignment_id'))
    )
    with op.batch_alter_table('review_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_scores_criterion_id'), ['criterion_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('review_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_scores_criterion_id'))

    op.drop_table('review_scores')
    with op.batch_alter_table('requirement_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_requirement_checks_criterion_id'))

    op.drop_table('requirement_checks')
    with op.batch_alter_table('consensus_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consensus_scores_criterion_id'))

    op.drop_table('consensus_scores')
    op.drop_table('evaluation_settings')
    with op.batch_alter_table('evaluation_criteria', schema=None) as batch_op:
        batch_op.drop_index('ix_evaluation_criteria_call_id_position')

    op.drop_table('evaluation_criteria')
