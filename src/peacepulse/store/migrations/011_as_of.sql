-- Reading the store as it stood at a moment. Observations, targets, assessments and recommendations
-- already keep every revision with its batch; the catalogue (indicators, missions) is replaced in place,
-- so from here on each write of it also keeps a copy of the version it wrote. Versions written before
-- this migration are known only in their current form, as of the batch that wrote them.
CREATE TABLE indicator_revision AS
SELECT i.*, 1 AS revision, coalesce(b.uploaded_at, TIMESTAMP '1970-01-01') AS recorded_at
FROM indicator i LEFT JOIN batch b USING (batch_id);

CREATE TABLE mission_revision AS
SELECT m.*, 1 AS revision, coalesce(b.uploaded_at, TIMESTAMP '1970-01-01') AS recorded_at
FROM mission m LEFT JOIN batch b USING (batch_id);

COMMENT ON TABLE indicator_revision IS 'Every version of each indicator sheet, with the batch that wrote it.';
COMMENT ON TABLE mission_revision IS 'Every version of each mission''s entry, with the batch that wrote it.';

-- For analysts: the main views as they stood at moment t (a TIMESTAMP, UTC): only batches uploaded at or
-- before t count, and of each row the latest revision written by then.
CREATE MACRO batches_as_of(t) AS TABLE
SELECT * FROM batches WHERE uploaded_at <= t;

CREATE MACRO observations_as_of(t) AS TABLE
SELECT * FROM observation_history
WHERE batch_id IN (SELECT batch_id FROM batch WHERE uploaded_at <= t)
QUALIFY revision = max(revision) OVER (PARTITION BY mission, indicator, period, sex, age, location);

CREATE MACRO targets_as_of(t) AS TABLE
SELECT mission, indicator, period, period_type, period_start, period_end,
       target, baseline, baseline_period, baseline_end, comment, revision, batch_id, recorded_at
FROM target_revision
WHERE batch_id IN (SELECT batch_id FROM batch WHERE uploaded_at <= t)
QUALIFY revision = max(revision) OVER (PARTITION BY mission, indicator, period);

CREATE MACRO assessments_as_of(t) AS TABLE
SELECT mission, theme, period, period_type, period_start, period_end, rating, computed_status, reason,
       findings, status, participants, evidence, comment, source,
       coalesce(lower(trim(source)) = 'synthetic', false) AS synthetic, revision, batch_id, recorded_at
FROM assessment_revision
WHERE batch_id IN (SELECT batch_id FROM batch WHERE uploaded_at <= t)
QUALIFY revision = max(revision) OVER (PARTITION BY mission, theme, period);

CREATE MACRO recommendations_as_of(t) AS TABLE
SELECT mission, theme, period, period_type, period_start, period_end, recommendation, owner, due, status,
       progress_update, completed_at, status NOT IN ('completed', 'dropped') AS open,
       status NOT IN ('completed', 'dropped') AND due < t::DATE AS overdue, source,
       coalesce(lower(trim(source)) = 'synthetic', false) AS synthetic, revision, batch_id, recorded_at
FROM recommendation_revision
WHERE batch_id IN (SELECT batch_id FROM batch WHERE uploaded_at <= t)
QUALIFY revision = max(revision) OVER (PARTITION BY mission, theme, period, recommendation);

CREATE MACRO indicators_as_of(t) AS TABLE
WITH sheet AS (
    SELECT *, list_transform(string_split(theme_list, ';'), lambda n: n::INTEGER) AS themes FROM indicator_revision
    WHERE batch_id IS NULL OR batch_id IN (SELECT batch_id FROM batch WHERE uploaded_at <= t)
    QUALIFY revision = max(revision) OVER (PARTITION BY code))
SELECT code, name, definition, themes[1] AS primary_theme, themes, result_level, measure, unit, direction,
       aggregation, period_type, source, component, disaggregations, kpi
FROM sheet;
