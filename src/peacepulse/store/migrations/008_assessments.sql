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
    comment         VARCHAR,
    source          VARCHAR,   -- exactly 'synthetic' marks invented demo assessments
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
    source          VARCHAR,
    revision        INTEGER NOT NULL,
    batch_id        INTEGER NOT NULL,
    recorded_at     TIMESTAMP NOT NULL
);

-- The evidence of an approved revision, as it stood when it was approved.
CREATE TABLE assessment_evidence (
    mission              VARCHAR NOT NULL,
    theme                INTEGER NOT NULL,
    period               VARCHAR NOT NULL,
    revision             INTEGER NOT NULL,
    indicator            VARCHAR NOT NULL,
    observation_period   VARCHAR NOT NULL,
    value                DOUBLE,
    observation_revision INTEGER NOT NULL
);

CREATE VIEW assessments AS
SELECT mission, theme, period, period_type, period_start, period_end, rating, computed_status, reason,
       findings, status, participants, evidence, comment, source,
       coalesce(lower(trim(source)) = 'synthetic', false) AS synthetic, revision, batch_id, recorded_at
FROM assessment_revision
QUALIFY revision = max(revision) OVER (PARTITION BY mission, theme, period);

CREATE VIEW recommendations AS
SELECT mission, theme, period, period_type, period_start, period_end, recommendation, owner, due, status,
       progress_update, completed_at, status NOT IN ('completed', 'dropped') AS open,
       status NOT IN ('completed', 'dropped') AND due < current_date AS overdue, source,
       coalesce(lower(trim(source)) = 'synthetic', false) AS synthetic, revision, batch_id, recorded_at
FROM recommendation_revision
QUALIFY revision = max(revision) OVER (PARTITION BY mission, theme, period, recommendation);

-- Evidence revised since the assessment resting on it was approved.
CREATE VIEW evidence_changes AS
SELECT e.mission, e.theme, e.period, e.revision AS assessment_revision, e.indicator, e.observation_period,
       e.value AS value_at_approval, o.value AS value_now, o.revision AS observation_revision,
       o.recorded_at AS revised_at
FROM assessment_evidence e
JOIN assessments a ON a.mission = e.mission AND a.theme = e.theme AND a.period = e.period
                  AND a.revision = e.revision AND a.status = 'approved'
JOIN observations o ON o.mission = e.mission AND o.indicator = e.indicator AND o.period = e.observation_period
                   AND o.sex = 'total' AND o.age = 'total' AND o.location = 'total'
WHERE o.revision > e.observation_revision AND o.value IS DISTINCT FROM e.value;

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
COMMENT ON COLUMN assessments.comment IS 'A note on the workflow step: why it went back to draft, or why an approved one changed.';
COMMENT ON VIEW evidence_changes IS 'Evidence values revised since the approval of the assessment resting on them: "evidence changed since approval".';
COMMENT ON COLUMN evidence_changes.mission IS 'Mission code.';
COMMENT ON COLUMN evidence_changes.theme IS 'Theme number of the assessment.';
COMMENT ON COLUMN evidence_changes.period IS 'Period of the assessment.';
COMMENT ON COLUMN evidence_changes.assessment_revision IS 'The approved revision of the assessment.';
COMMENT ON COLUMN evidence_changes.indicator IS 'Evidence indicator whose value changed.';
COMMENT ON COLUMN evidence_changes.observation_period IS 'Period of the changed value.';
COMMENT ON COLUMN evidence_changes.value_at_approval IS 'The value when the assessment was approved.';
COMMENT ON COLUMN evidence_changes.value_now IS 'The value now.';
COMMENT ON COLUMN evidence_changes.observation_revision IS 'Revision of the value now.';
COMMENT ON COLUMN evidence_changes.revised_at IS 'When the value now was written (UTC).';
COMMENT ON COLUMN assessments.source IS 'Where the assessment comes from; exactly "synthetic" marks invented demo assessments.';
COMMENT ON COLUMN assessments.synthetic IS 'True for synthetic demo assessments, which no mission made.';
COMMENT ON COLUMN recommendations.source IS 'Where the recommendation comes from; exactly "synthetic" marks invented demo ones.';
COMMENT ON COLUMN recommendations.synthetic IS 'True for synthetic demo recommendations.';
