-- Impact assessments and their recommendations, kept with every revision like observations.
CREATE TABLE assessment_revision (
    mission         VARCHAR NOT NULL,
    theme           INTEGER NOT NULL,
    period          VARCHAR NOT NULL,
    period_type     VARCHAR NOT NULL,
    period_start    DATE NOT NULL,
    period_end      DATE NOT NULL,
    rating          VARCHAR NOT NULL,
    computed_status VARCHAR,
    reason          VARCHAR,
    findings        VARCHAR,
    status          VARCHAR NOT NULL,
    participants    VARCHAR,
    evidence        VARCHAR,   -- indicator codes separated by ';'
    revision        INTEGER NOT NULL,
    batch_id        INTEGER NOT NULL,
    recorded_at     TIMESTAMP NOT NULL
);

CREATE TABLE recommendation_revision (
    mission         VARCHAR NOT NULL,
    theme           INTEGER NOT NULL,
    period          VARCHAR NOT NULL,
    period_type     VARCHAR NOT NULL,
    period_start    DATE NOT NULL,
    period_end      DATE NOT NULL,
    recommendation  VARCHAR NOT NULL,
    owner           VARCHAR NOT NULL,
    due             DATE NOT NULL,
    status          VARCHAR NOT NULL,
    progress_update VARCHAR,
    completed_at    TIMESTAMP,
    revision        INTEGER NOT NULL,
    batch_id        INTEGER NOT NULL,
    recorded_at     TIMESTAMP NOT NULL
);

CREATE VIEW assessments AS
SELECT mission, theme, period, period_type, period_start, period_end, rating, computed_status, reason,
       findings, status, participants, evidence, revision, batch_id, recorded_at
FROM assessment_revision
QUALIFY revision = max(revision) OVER (PARTITION BY mission, theme, period);

CREATE VIEW recommendations AS
SELECT mission, theme, period, period_type, period_start, period_end, recommendation, owner, due, status,
       progress_update, completed_at, status NOT IN ('completed', 'dropped') AS open,
       status NOT IN ('completed', 'dropped') AND due < current_date AS overdue,
       revision, batch_id, recorded_at
FROM recommendation_revision
QUALIFY revision = max(revision) OVER (PARTITION BY mission, theme, period, recommendation);

CREATE VIEW recommendation_updates AS
SELECT mission, theme, period, recommendation, revision, status, progress_update, recorded_at, batch_id
FROM recommendation_revision
WHERE progress_update IS NOT NULL;

COMMENT ON VIEW assessments IS 'Current revision of each impact assessment: a mission''s rating of a theme in a period.';
COMMENT ON COLUMN assessments.rating IS 'The people''s rating: on_track, at_risk or off_track.';
COMMENT ON COLUMN assessments.computed_status IS 'The scorecard status of this mission and theme when the rating was written.';
COMMENT ON COLUMN assessments.reason IS 'Why the rating differs from the computed status; required when it does.';
COMMENT ON COLUMN assessments.findings IS 'What the assessment found, as plain text or Markdown (never rendered as HTML).';
COMMENT ON COLUMN assessments.status IS 'Workflow: draft, submitted or approved.';
COMMENT ON COLUMN assessments.participants IS 'Who took part.';
COMMENT ON COLUMN assessments.evidence IS 'Indicator codes the assessment rests on, separated by '';''.';
COMMENT ON VIEW recommendations IS 'Current revision of each recommendation of an assessment.';
COMMENT ON COLUMN recommendations.status IS 'not_started, in_progress, constrained, completed or dropped.';
COMMENT ON COLUMN recommendations.due IS 'The date it is due.';
COMMENT ON COLUMN recommendations.completed_at IS 'When it was first reported completed; set if and only if status is completed.';
COMMENT ON COLUMN recommendations.open IS 'True unless completed or dropped.';
COMMENT ON COLUMN recommendations.overdue IS 'Open and past its due date, today.';
COMMENT ON COLUMN recommendations.progress_update IS 'The progress note given with this revision.';
COMMENT ON VIEW recommendation_updates IS 'Every dated progress update of every recommendation, oldest revision first.';
COMMENT ON COLUMN assessments.mission IS 'Mission code.';
COMMENT ON COLUMN assessments.theme IS 'Theme number, 1 to 10.';
COMMENT ON COLUMN assessments.period IS 'The period assessed, as written (2026, 2026-S1, FY2025/26...).';
COMMENT ON COLUMN assessments.period_type IS 'year, half, quarter, month, day or fiscal_year.';
COMMENT ON COLUMN assessments.period_start IS 'First day of the period.';
COMMENT ON COLUMN assessments.period_end IS 'Last day of the period.';
COMMENT ON COLUMN assessments.revision IS '1 for the first version, then one more for each change.';
COMMENT ON COLUMN assessments.batch_id IS 'The upload that wrote this revision (see batches).';
COMMENT ON COLUMN assessments.recorded_at IS 'When this revision was written (UTC).';
COMMENT ON COLUMN recommendations.mission IS 'Mission code.';
COMMENT ON COLUMN recommendations.theme IS 'Theme number, 1 to 10.';
COMMENT ON COLUMN recommendations.period IS 'The period assessed, as written (2026, 2026-S1, FY2025/26...).';
COMMENT ON COLUMN recommendations.period_type IS 'year, half, quarter, month, day or fiscal_year.';
COMMENT ON COLUMN recommendations.period_start IS 'First day of the period.';
COMMENT ON COLUMN recommendations.period_end IS 'Last day of the period.';
COMMENT ON COLUMN recommendations.revision IS '1 for the first version, then one more for each change.';
COMMENT ON COLUMN recommendations.batch_id IS 'The upload that wrote this revision (see batches).';
COMMENT ON COLUMN recommendations.recorded_at IS 'When this revision was written (UTC).';
COMMENT ON COLUMN recommendation_updates.mission IS 'Mission code.';
COMMENT ON COLUMN recommendation_updates.theme IS 'Theme number, 1 to 10.';
COMMENT ON COLUMN recommendation_updates.period IS 'The period assessed, as written (2026, 2026-S1, FY2025/26...).';
COMMENT ON COLUMN recommendation_updates.revision IS '1 for the first version, then one more for each change.';
COMMENT ON COLUMN recommendation_updates.batch_id IS 'The upload that wrote this revision (see batches).';
COMMENT ON COLUMN recommendation_updates.recorded_at IS 'When this revision was written (UTC).';
COMMENT ON COLUMN recommendations.recommendation IS 'What is recommended, in a sentence; with mission, theme and period it names the recommendation.';
COMMENT ON COLUMN recommendations.owner IS 'Who is responsible for it.';
COMMENT ON COLUMN recommendation_updates.recommendation IS 'The recommendation updated.';
COMMENT ON COLUMN recommendation_updates.status IS 'Its status with this update.';
COMMENT ON COLUMN recommendation_updates.progress_update IS 'The progress note.';
