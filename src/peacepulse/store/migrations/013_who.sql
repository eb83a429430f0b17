-- Who made each change: the person behind each upload (and so behind every revision it wrote, through
-- its batch_id), and behind each acknowledgement of a signal. NULL where it was not recorded: changes
-- made before this migration, and the demo data. The accounts themselves never enter the store.
ALTER TABLE batch ADD COLUMN uploaded_by VARCHAR;

CREATE OR REPLACE VIEW batches AS
SELECT batch_id, kind, file_name, sha256, uploaded_at,
       rows_in_file, rows_new, rows_revised, rows_unchanged, origin, uploaded_by
FROM batch;

ALTER TABLE signal_ack ADD COLUMN acknowledged_by VARCHAR;

CREATE OR REPLACE VIEW signal_acks AS
SELECT signal, fingerprint, note, acknowledged_at, acknowledged_by FROM signal_ack;

COMMENT ON COLUMN batches.uploaded_by IS 'Who made the upload: the user logged in to the dashboard (local when it runs without login), or the operating-system user of the command line; NULL when not recorded.';
COMMENT ON COLUMN signal_acks.acknowledged_by IS 'Who acknowledged it, as batches.uploaded_by names people; NULL when not recorded.';

-- Every revision of every assessment, as observation_history is for observations: with batches, who
-- wrote each one.
CREATE VIEW assessment_history AS
SELECT mission, theme, period, period_type, period_start, period_end, rating, computed_status, reason,
       findings, status, participants, evidence, comment, source,
       coalesce(lower(trim(source)) = 'synthetic', false) AS synthetic, revision, batch_id, recorded_at
FROM assessment_revision;

COMMENT ON VIEW assessment_history IS 'Every revision of every assessment, oldest first by revision; join batches on batch_id for who wrote it.';
COMMENT ON COLUMN assessment_history.mission IS 'Mission code.';
COMMENT ON COLUMN assessment_history.theme IS 'Theme number, 1 to 10.';
COMMENT ON COLUMN assessment_history.period IS 'The period assessed, as written (2026, 2026-S1, FY2025/26...).';
COMMENT ON COLUMN assessment_history.period_type IS 'year, half, quarter, month, day or fiscal_year.';
COMMENT ON COLUMN assessment_history.period_start IS 'First day of the period.';
COMMENT ON COLUMN assessment_history.period_end IS 'Last day of the period.';
COMMENT ON COLUMN assessment_history.rating IS 'The people''s rating: on_track, at_risk or off_track.';
COMMENT ON COLUMN assessment_history.computed_status IS 'The scorecard status of this mission and theme when the rating was written.';
COMMENT ON COLUMN assessment_history.reason IS 'Why the rating differs from the computed status; required when it does.';
COMMENT ON COLUMN assessment_history.findings IS 'What the assessment found, as plain text or Markdown (never rendered as HTML).';
COMMENT ON COLUMN assessment_history.status IS 'Workflow: draft, submitted or approved.';
COMMENT ON COLUMN assessment_history.participants IS 'Who took part.';
COMMENT ON COLUMN assessment_history.evidence IS 'Indicator codes the assessment rests on, separated by '';''.';
COMMENT ON COLUMN assessment_history.comment IS 'A note on the workflow step: why it went back to draft, or why an approved one changed.';
COMMENT ON COLUMN assessment_history.source IS 'Where the assessment comes from; exactly "synthetic" marks invented demo assessments.';
COMMENT ON COLUMN assessment_history.synthetic IS 'True for synthetic demo assessments, which no mission made.';
COMMENT ON COLUMN assessment_history.revision IS '1 for the first version, then one more for each change.';
COMMENT ON COLUMN assessment_history.batch_id IS 'The upload that wrote this revision (see batches, whose uploaded_by says who).';
COMMENT ON COLUMN assessment_history.recorded_at IS 'When this revision was written (UTC).';
