-- Rollups of the observations, kept by every upload of observations in its own transaction
-- (peacepulse.ingest.rollups), so that the views and the dashboard never scan all rows.
-- Each is storage: the public views read them and keep their columns and meaning.
CREATE TABLE series_point (
    mission      VARCHAR NOT NULL,
    indicator    VARCHAR NOT NULL,
    period       VARCHAR NOT NULL,
    period_type  VARCHAR NOT NULL,
    period_start DATE NOT NULL,
    period_end   DATE NOT NULL,
    value        DOUBLE NOT NULL,
    source       VARCHAR
);

CREATE TABLE series_summary (
    mission            VARCHAR NOT NULL,
    indicator          VARCHAR NOT NULL,
    latest_period      VARCHAR NOT NULL,
    latest_period_type VARCHAR NOT NULL,
    latest_period_end  DATE NOT NULL,
    latest_value       DOUBLE NOT NULL,
    first_period       VARCHAR NOT NULL,
    first_period_end   DATE NOT NULL,
    first_value        DOUBLE NOT NULL,
    n_points           BIGINT NOT NULL,
    synthetic          BOOLEAN NOT NULL
);

CREATE TABLE observation_summary (
    mission             VARCHAR NOT NULL,
    indicator           VARCHAR NOT NULL,
    synthetic           BOOLEAN NOT NULL,
    observations        BIGINT NOT NULL,
    latest_period       VARCHAR NOT NULL,
    latest_period_start DATE NOT NULL,
    latest_period_end   DATE NOT NULL,
    by_sex              BOOLEAN NOT NULL,
    by_age              BOOLEAN NOT NULL,
    by_location         BOOLEAN NOT NULL,
    revised             BIGINT NOT NULL
);

CREATE TABLE revised_observation AS SELECT * FROM observation_revision LIMIT 0;

CREATE TABLE outlier_flag (
    mission   VARCHAR NOT NULL,
    indicator VARCHAR NOT NULL,
    sex       VARCHAR NOT NULL,
    age       VARCHAR NOT NULL,
    location  VARCHAR NOT NULL,
    period    VARCHAR NOT NULL,
    value     DOUBLE,
    median    DOUBLE,
    scale     DOUBLE,
    score     DOUBLE,
    source    VARCHAR
);

COMMENT ON TABLE series_point IS 'Rollup: the headline rows of observation_current (sex, age and location all total); behind the series view.';
COMMENT ON TABLE series_summary IS 'Rollup: per mission and indicator, the first and latest headline value and the number of points; behind the progress view.';
COMMENT ON TABLE observation_summary IS 'Rollup: per mission, indicator and synthetic or not, the rows, latest period, breakdowns present and revised keys.';
COMMENT ON TABLE revised_observation IS 'Rollup: every revision of the observation keys revised at least once.';
COMMENT ON TABLE outlier_flag IS 'Rollup: the values the outlier rule flags, over every series.';

-- Filled from the stored rows; peacepulse.ingest.rollups keeps them from here on.
INSERT INTO series_point BY NAME SELECT mission, indicator, period, period_type, period_start, period_end, value, source
                        FROM observation_current WHERE sex = 'total' AND age = 'total' AND location = 'total';

INSERT INTO series_summary BY NAME SELECT mission, indicator,
               arg_max(period, (period_end, period_start, period)) AS latest_period, arg_max(period_type, (period_end, period_start, period)) AS latest_period_type,
               max(period_end) AS latest_period_end, arg_max(value, (period_end, period_start, period)) AS latest_value,
               arg_min(period, (period_end, period_start, period)) AS first_period, min(period_end) AS first_period_end,
               arg_min(value, (period_end, period_start, period)) AS first_value, count(*) AS n_points,
               bool_or(coalesce(lower(trim(source)) = 'synthetic', false)) AS synthetic
        FROM series_point GROUP BY mission, indicator;

INSERT INTO observation_summary BY NAME SELECT mission, indicator, coalesce(lower(trim(source)) = 'synthetic', false) AS synthetic, count(*) AS observations,
               arg_max(period, (period_end, period_start, period)) AS latest_period, arg_max(period_start, (period_end, period_start, period)) AS latest_period_start,
               max(period_end) AS latest_period_end,
               bool_or(sex <> 'total') AS by_sex, bool_or(age <> 'total') AS by_age,
               bool_or(location <> 'total') AS by_location, count(*) FILTER (WHERE revision > 1) AS revised
        FROM observation_current GROUP BY ALL;

INSERT INTO revised_observation BY NAME SELECT * FROM observation_revision
                               QUALIFY max(revision) OVER (PARTITION BY mission, indicator, period, sex, age, location) > 1;

INSERT INTO outlier_flag BY NAME SELECT f.mission, f.indicator, f.sex, f.age, f.location, f.period, f.value,
               round(f.median, 4) AS median, round(f.scale, 4) AS scale, round(f.score, 1) AS score, c.source
        FROM (
        WITH windowed AS (
            SELECT mission, indicator, sex, age, location, period, period_end, value, line,
                   list(value) OVER (PARTITION BY mission, indicator, sex, age, location ORDER BY period_end
                                     ROWS BETWEEN 3 PRECEDING AND 3 FOLLOWING
                                     EXCLUDE CURRENT ROW) AS around,
                   min(value) OVER (PARTITION BY mission, indicator, sex, age, location ORDER BY period_end
                                    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                                    EXCLUDE CURRENT ROW) AS others_lowest,
                   row_number() OVER (PARTITION BY mission, indicator, sex, age, location ORDER BY period_end) AS position,
                   count(*) OVER (PARTITION BY mission, indicator, sex, age, location) AS points
            FROM (SELECT mission, indicator, sex, age, location, period, period_end, value, line FROM (SELECT mission, indicator, sex, age, location, period, period_end, value, NULL::INTEGER AS line FROM observation_current) WHERE value IS NOT NULL)),
        centred AS (
            SELECT *, list_median(around)::DOUBLE AS median, list_min(around) AS lowest
            FROM windowed WHERE points >= 5),
        scaled AS (
            SELECT *, greatest(1.4826 * list_median(list_transform(around, lambda v: abs(v - median))),
                               0.1 * abs(median), 1.0)::DOUBLE AS scale
            FROM centred),
        judged AS (
            SELECT *, (abs(value - median) / scale)::DOUBLE AS score,
                   value >= 0 AND value < median AND position IN (1, points) AS low_at_an_end,
                   lowest > 0 AND value > 0 AND abs(value - median) >= 1.0
                       AND greatest(value / median, median / value) >= 8.0 AS off_by_factor,
                   value < 0 AND others_lowest >= 0 AND median > 0 AS sign_lost
            FROM scaled)
        SELECT mission, indicator, sex, age, location, period, period_end, value, line, median, scale, score, len(around)::INTEGER AS neighbours
        FROM judged
        WHERE (NOT low_at_an_end AND (score > 8.0 OR off_by_factor)) OR sign_lost) f JOIN observation_current c USING (mission, indicator, sex, age, location, period);

CREATE OR REPLACE VIEW series AS
SELECT mission, indicator, period, period_type, period_start, period_end, value, source,
       coalesce(lower(trim(source)) = 'synthetic', false) AS synthetic
FROM series_point;

CREATE OR REPLACE VIEW progress AS
WITH latest AS (
    -- One row per mission and indicator, kept by every upload (see series_summary).
    SELECT mission, indicator, latest_period, latest_period_type, latest_period_end, latest_value,
           first_period, first_period_end, first_value, n_points, synthetic
    FROM series_summary
),
-- Each milestone's baseline is its own, else carried forward from the previous milestone.
milestones AS (
    SELECT mission, indicator, period, period_end, target,
           baseline IS NOT NULL AS baseline_stated,
           last_value(baseline IGNORE NULLS) OVER w AS baseline,
           last_value(CASE WHEN baseline IS NOT NULL THEN baseline_period END IGNORE NULLS) OVER w AS baseline_period,
           last_value(CASE WHEN baseline IS NOT NULL THEN baseline_end END IGNORE NULLS) OVER w AS baseline_end
    FROM targets
    WINDOW w AS (PARTITION BY mission, indicator ORDER BY period_end ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
-- The target that applies: the earliest one due on or after the latest value,
-- or, when every target is past, the most recent one.
applicable AS (
    SELECT l.mission, l.indicator, t.target, t.period AS target_period, t.period_end AS target_end,
           t.baseline, t.baseline_period, t.baseline_end, t.baseline_stated
    FROM latest l JOIN milestones t USING (mission, indicator)
    QUALIFY row_number() OVER (
        PARTITION BY l.mission, l.indicator
        ORDER BY t.period_end < l.latest_period_end,
                 CASE WHEN t.period_end >= l.latest_period_end THEN t.period_end END ASC,
                 t.period_end DESC) = 1
),
measured AS (
    SELECT l.*, i.direction, i.unit, i.measure, i.kpi, i.primary_theme,
           a.target, a.target_period, a.target_end,
           -- With no baseline stated for any milestone, the first observed value stands in.
           a.baseline IS NOT NULL AS baseline_given,
           coalesce(a.baseline, l.first_value) AS baseline,
           CASE WHEN a.baseline IS NOT NULL THEN a.baseline_period ELSE l.first_period END AS baseline_period,
           CASE WHEN a.baseline IS NOT NULL THEN coalesce(a.baseline_end, l.first_period_end)
                ELSE l.first_period_end END AS baseline_end,
           date_diff('day', l.latest_period_end, current_date) AS days_since_latest,
           -- A closed mission stops reporting by design: its series are never stale.
           ms.end_date IS NULL AND date_diff('day', l.latest_period_end, current_date) > c.days + c.grace_days
               AS stale
    FROM latest l
    JOIN indicators i ON i.code = l.indicator
    LEFT JOIN mission ms ON ms.code = l.mission
    LEFT JOIN applicable a USING (mission, indicator)
    LEFT JOIN reporting_cycle c ON c.period_type = l.latest_period_type
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
                          ELSE latest_value >= target END AS met,
           latest_period_end <= baseline_end AS nothing_since_baseline
    FROM measured
),
judged AS (
    SELECT *,
           CASE WHEN target IS NULL THEN 'no_target'
                WHEN met THEN 'on_track'
                WHEN nothing_since_baseline THEN 'insufficient'
                WHEN target = baseline THEN
                     CASE WHEN abs(latest_value - target) <= status_rule_value('hold_band') * abs(target)
                          THEN 'at_risk' ELSE 'off_track' END
                WHEN attainment >= pace THEN 'on_track'
                WHEN attainment >= pace - status_rule_value('at_risk_band') THEN 'at_risk'
                ELSE 'off_track' END AS status
    FROM scored
)
SELECT mission, indicator, primary_theme, kpi, direction, unit, measure,
       baseline, baseline_period, target, target_period,
       latest_period, latest_period_end, latest_value, n_points,
       attainment, pace, status,
       synthetic,
       CASE status
           WHEN 'no_target' THEN 'No target is set.'
           WHEN 'insufficient' THEN CASE WHEN baseline_given
                THEN 'No value since the baseline period ' || baseline_period || '.'
                ELSE 'One value and no stated baseline: there is no trend to judge yet.' END
           WHEN 'on_track' THEN CASE WHEN met THEN 'The target is met.'
                ELSE 'Progress keeps pace with the time elapsed.' END
           WHEN 'at_risk' THEN CASE WHEN target = baseline THEN 'Slightly off the level to hold.'
                ELSE 'Progress trails the time elapsed.' END
           ELSE CASE WHEN target = baseline THEN 'Off the level to hold.'
                ELSE 'Progress trails the time elapsed by more than the at-risk band.' END
       END AS status_reason,
       coalesce(stale, false) AS stale,
       days_since_latest
FROM judged;
