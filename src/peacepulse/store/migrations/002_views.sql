-- The public surface: stable views for dashboards and for analysts' own tools.
CREATE VIEW themes AS
SELECT number, title, summary FROM theme;

CREATE VIEW missions AS
SELECT code, name, kind, lead_entity,
       CASE WHEN end_date IS NOT NULL THEN false
            WHEN start_date IS NOT NULL THEN true END AS active,  -- NULL: dates unknown
       start_date, end_date, hq_location, country, latitude, longitude, source
FROM mission;

CREATE VIEW indicator_themes AS
SELECT indicator, theme, rank = 1 AS is_primary FROM indicator_theme;

CREATE VIEW indicators AS
SELECT i.code, i.name, i.definition,
       t.themes[1] AS primary_theme, t.themes,
       i.result_level, i.measure, i.unit, i.direction, i.aggregation, i.period_type,
       i.source, i.component, i.disaggregations, i.kpi
FROM indicator i
LEFT JOIN (SELECT indicator, list(theme ORDER BY rank) AS themes
           FROM indicator_theme GROUP BY indicator) t ON t.indicator = i.code;

CREATE VIEW observations AS
SELECT mission, indicator, period, period_type, period_start, period_end,
       sex, age, location, value, numerator, denominator, comment, source,
       coalesce(lower(trim(source)) = 'synthetic', false) AS synthetic,
       revision, batch_id, recorded_at
FROM observation_current;

CREATE VIEW observation_history AS
SELECT mission, indicator, period, period_type, period_start, period_end,
       sex, age, location, value, numerator, denominator, comment, source,
       coalesce(lower(trim(source)) = 'synthetic', false) AS synthetic,
       revision, batch_id, recorded_at
FROM observation_revision;

CREATE VIEW series AS
SELECT mission, indicator, period, period_type, period_start, period_end, value, source, synthetic
FROM observations
WHERE sex = 'total' AND age = 'total' AND location = 'total';

CREATE VIEW targets AS
SELECT mission, indicator, period, period_type, period_start, period_end,
       target, baseline, baseline_period, baseline_end, comment, revision, batch_id, recorded_at
FROM target_revision
QUALIFY revision = max(revision) OVER (PARTITION BY mission, indicator, period);

CREATE VIEW batches AS
SELECT batch_id, kind, file_name, sha256, uploaded_at,
       rows_in_file, rows_new, rows_revised, rows_unchanged, origin
FROM batch;

CREATE VIEW progress AS
WITH latest AS (
    SELECT mission, indicator,
           arg_max(period, period_end) AS latest_period,
           max(period_end) AS latest_period_end,
           arg_max(value, period_end) AS latest_value,
           arg_min(period, period_end) AS first_period,
           min(period_end) AS first_period_end,
           arg_min(value, period_end) AS first_value,
           count(*) AS n_points,
           bool_or(synthetic) AS synthetic
    FROM series GROUP BY mission, indicator
),
-- The target that applies: the earliest one due on or after the latest value,
-- or, when every target is past, the most recent one.
applicable AS (
    SELECT l.mission, l.indicator, t.target, t.period AS target_period, t.period_end AS target_end,
           t.baseline, t.baseline_period, t.baseline_end
    FROM latest l JOIN targets t USING (mission, indicator)
    QUALIFY row_number() OVER (
        PARTITION BY l.mission, l.indicator
        ORDER BY t.period_end < l.latest_period_end,
                 CASE WHEN t.period_end >= l.latest_period_end THEN t.period_end END ASC,
                 t.period_end DESC) = 1
),
measured AS (
    SELECT l.*, i.direction, i.unit, i.measure, i.kpi, i.primary_theme,
           a.target, a.target_period, a.target_end,
           coalesce(a.baseline, l.first_value) AS baseline,
           CASE WHEN a.baseline IS NOT NULL THEN a.baseline_period ELSE l.first_period END AS baseline_period,
           CASE WHEN a.baseline IS NOT NULL THEN coalesce(a.baseline_end, l.first_period_end)
                ELSE l.first_period_end END AS baseline_end
    FROM latest l
    JOIN indicators i ON i.code = l.indicator
    LEFT JOIN applicable a USING (mission, indicator)
),
scored AS (
    SELECT *,
           CASE WHEN target = baseline THEN NULL
                ELSE (latest_value - baseline) / (target - baseline) END AS attainment,
           CASE WHEN target_end <= baseline_end THEN 1.0
                ELSE least(1.0, greatest(0.0,
                     date_diff('day', baseline_end, latest_period_end)
                     / date_diff('day', baseline_end, target_end)::DOUBLE)) END AS pace,
           CASE direction WHEN 'decrease' THEN latest_value <= target
                          ELSE latest_value >= target END AS met
    FROM measured
)
SELECT mission, indicator, primary_theme, kpi, direction, unit, measure,
       baseline, baseline_period, target, target_period,
       latest_period, latest_period_end, latest_value, n_points,
       attainment, pace,
       CASE WHEN target IS NULL THEN 'no_target'
            WHEN met OR attainment >= pace THEN 'on_track'
            WHEN attainment >= pace - 0.25 THEN 'at_risk'
            ELSE 'off_track' END AS status,
       synthetic
FROM scored;

CREATE VIEW scorecard AS
WITH counted AS (
    SELECT p.mission, it.theme,
           count(*) AS indicators,
           count(*) FILTER (WHERE p.status = 'on_track')  AS on_track,
           count(*) FILTER (WHERE p.status = 'at_risk')   AS at_risk,
           count(*) FILTER (WHERE p.status = 'off_track') AS off_track,
           count(*) FILTER (WHERE p.status = 'no_target') AS no_target,
           avg(CASE p.status WHEN 'on_track' THEN 1.0 WHEN 'at_risk' THEN 0.5
                             WHEN 'off_track' THEN 0.0 END) AS score
    FROM progress p JOIN indicator_theme it ON it.indicator = p.indicator
    GROUP BY p.mission, it.theme
)
SELECT mission, theme, indicators, on_track, at_risk, off_track, no_target,
       CASE WHEN score IS NULL THEN 'no_target'
            WHEN score >= 0.75 THEN 'on_track'
            WHEN score >= 0.4 THEN 'at_risk'
            ELSE 'off_track' END AS status,
       score
FROM counted;
