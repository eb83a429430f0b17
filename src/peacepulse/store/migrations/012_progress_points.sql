-- The status each series had at each of its periods: the progress view's rules applied as if that
-- period's value were the latest. The off-track signal reads it, so that a run of off-track
-- periods is judged by the same formula as the badge. At each series' latest period it equals
-- progress.status (tests/test_status_rules.py checks this); a change to the rules of progress
-- must be made here too.
CREATE VIEW progress_points AS
WITH points AS (
    SELECT s.mission, s.indicator, s.period, s.period_type, s.period_start, s.period_end, s.value, s.synthetic,
           row_number() OVER (PARTITION BY s.mission, s.indicator
                              ORDER BY s.period_end, s.period_start, s.period) AS position,
           s.period = f.latest_period AS latest,
           f.first_value, f.first_period, f.first_period_end
    FROM series s JOIN series_summary f USING (mission, indicator)
),
-- Each milestone's baseline is its own, else carried forward from the previous milestone.
milestones AS (
    SELECT mission, indicator, period, period_end, target,
           last_value(baseline IGNORE NULLS) OVER w AS baseline,
           last_value(CASE WHEN baseline IS NOT NULL THEN baseline_period END IGNORE NULLS) OVER w AS baseline_period,
           last_value(CASE WHEN baseline IS NOT NULL THEN baseline_end END IGNORE NULLS) OVER w AS baseline_end
    FROM targets
    WINDOW w AS (PARTITION BY mission, indicator ORDER BY period_end ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
-- The target in force at each period: the earliest one due on or after it, or, when every
-- target is past, the most recent one.
applicable AS (
    SELECT p.mission, p.indicator, p.period, t.target, t.period AS target_period, t.period_end AS target_end,
           t.baseline, t.baseline_period, t.baseline_end
    FROM points p JOIN milestones t USING (mission, indicator)
    QUALIFY row_number() OVER (
        PARTITION BY p.mission, p.indicator, p.period
        ORDER BY t.period_end < p.period_end,
                 CASE WHEN t.period_end >= p.period_end THEN t.period_end END ASC,
                 t.period_end DESC) = 1
),
measured AS (
    SELECT p.*, i.direction, i.primary_theme,
           a.target, a.target_period, a.target_end,
           -- With no baseline stated for any milestone, the first observed value stands in.
           coalesce(a.baseline, p.first_value) AS baseline,
           CASE WHEN a.baseline IS NOT NULL THEN a.baseline_period ELSE p.first_period END AS baseline_period,
           CASE WHEN a.baseline IS NOT NULL THEN coalesce(a.baseline_end, p.first_period_end)
                ELSE p.first_period_end END AS baseline_end
    FROM points p
    JOIN indicators i ON i.code = p.indicator
    LEFT JOIN applicable a USING (mission, indicator, period)
),
scored AS (
    SELECT *,
           CASE WHEN target = baseline THEN NULL
                ELSE (value - baseline) / (target - baseline) END AS attainment,
           CASE WHEN target_end <= baseline_end THEN 1.0
                ELSE least(1.0, greatest(0.0,
                     date_diff('day', baseline_end, period_end)
                     / date_diff('day', baseline_end, target_end)::DOUBLE)) END AS pace,
           CASE direction WHEN 'decrease' THEN value <= target
                          ELSE value >= target END AS met,
           period_end <= baseline_end AS nothing_since_baseline
    FROM measured
)
SELECT mission, indicator, primary_theme, direction, period, period_type, period_start, period_end, position, latest,
       value, synthetic, baseline, baseline_period, baseline_end, target, target_period, target_end, attainment, pace,
       CASE WHEN target IS NULL THEN 'no_target'
            WHEN met THEN 'on_track'
            WHEN nothing_since_baseline THEN 'insufficient'
            WHEN target = baseline THEN
                 CASE WHEN abs(value - target) <= status_rule_value('hold_band') * abs(target)
                      THEN 'at_risk' ELSE 'off_track' END
            WHEN attainment >= pace THEN 'on_track'
            WHEN attainment >= pace - status_rule_value('at_risk_band') THEN 'at_risk'
            ELSE 'off_track' END AS status
FROM scored;

COMMENT ON VIEW progress_points IS 'The status each series had at each of its periods, by the rules of progress.status applied as if that value were the latest; at the latest period it equals progress.status.';
COMMENT ON COLUMN progress_points.mission IS 'Mission code.';
COMMENT ON COLUMN progress_points.indicator IS 'Indicator code.';
COMMENT ON COLUMN progress_points.primary_theme IS 'The indicator''s primary theme.';
COMMENT ON COLUMN progress_points.direction IS 'increase or decrease: which way is better.';
COMMENT ON COLUMN progress_points.period_type IS 'year, half, quarter, month, day or fiscal_year.';
COMMENT ON COLUMN progress_points.period_start IS 'First day of the period.';
COMMENT ON COLUMN progress_points.period_end IS 'Last day of the period.';
COMMENT ON COLUMN progress_points.synthetic IS 'True for a synthetic demo value.';
COMMENT ON COLUMN progress_points.baseline_period IS 'The period of the baseline.';
COMMENT ON COLUMN progress_points.baseline_end IS 'The last day of the baseline period.';
COMMENT ON COLUMN progress_points.target_period IS 'The period by which the target is due.';
COMMENT ON COLUMN progress_points.period IS 'The period of the value judged.';
COMMENT ON COLUMN progress_points.position IS 'Its place in the series: 1 for the first period, counting up in the order progress uses (by end, then start, then code).';
COMMENT ON COLUMN progress_points.latest IS 'True for the series'' latest period, the one progress judges.';
COMMENT ON COLUMN progress_points.value IS 'The headline value of the period.';
COMMENT ON COLUMN progress_points.target IS 'The target in force at the period: the earliest due on or after it, else the most recent.';
COMMENT ON COLUMN progress_points.target_end IS 'The last day of the target period.';
COMMENT ON COLUMN progress_points.baseline IS 'The baseline of that target, carried forward as in progress, else the first observed value.';
COMMENT ON COLUMN progress_points.attainment IS '(value - baseline) / (target - baseline); NULL for a target that holds the baseline level.';
COMMENT ON COLUMN progress_points.pace IS 'Share of the time from the baseline period to the target period passed by the end of this period.';
COMMENT ON COLUMN progress_points.status IS 'As progress.status, for this period: on_track, at_risk, off_track, insufficient or no_target.';
