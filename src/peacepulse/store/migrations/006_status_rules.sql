-- Status rules that can be defended, with their figures in one place (status_rule),
-- read by the views below and by the Python reads alike.
CREATE TABLE status_rule (
    name    VARCHAR PRIMARY KEY,
    value   DOUBLE NOT NULL,
    meaning VARCHAR NOT NULL
);
INSERT INTO status_rule VALUES
    ('at_risk_band', 0.25, 'How far attainment may trail the share of time elapsed and still count as at risk rather than off track.'),
    ('hold_band', 0.05, 'For a target that holds the baseline level: the share of the target by which the latest value may miss it and count as at risk.'),
    ('weight_on_track', 1.0, 'Weight of an on-track indicator in a scorecard cell.'),
    ('weight_at_risk', 0.5, 'Weight of an at-risk indicator in a scorecard cell.'),
    ('weight_off_track', 0.0, 'Weight of an off-track indicator in a scorecard cell.'),
    ('cell_on_track', 0.75, 'A scorecard cell whose mean weight is at least this is on track.'),
    ('cell_at_risk', 0.4, 'A scorecard cell whose mean weight is at least this (and below cell_on_track) is at risk.');

-- How long a value stays current after its period ends, plus grace for late reporting.
CREATE TABLE reporting_cycle (
    period_type VARCHAR PRIMARY KEY,
    days        INTEGER NOT NULL,
    grace_days  INTEGER NOT NULL
);
INSERT INTO reporting_cycle VALUES
    ('day', 1, 7), ('month', 31, 30), ('quarter', 92, 45), ('half', 183, 60),
    ('year', 366, 90), ('fiscal_year', 366, 90);

CREATE MACRO status_rule_value(rule_name) AS (SELECT value FROM status_rule WHERE name = rule_name);
CREATE MACRO status_weight(s) AS (SELECT value FROM status_rule WHERE name = 'weight_' || s);
CREATE MACRO cell_status(score) AS
    CASE WHEN score IS NULL THEN 'no_target'
         WHEN score >= status_rule_value('cell_on_track') THEN 'on_track'
         WHEN score >= status_rule_value('cell_at_risk') THEN 'at_risk'
         ELSE 'off_track' END;

CREATE VIEW status_rules AS SELECT name, value, meaning FROM status_rule;
CREATE VIEW reporting_cycles AS SELECT period_type, days, grace_days FROM reporting_cycle;

CREATE OR REPLACE VIEW progress AS
WITH latest AS (
    -- Periods of several types may end on the same day (2024, 2024-Q4, 2024-12): the latest
    -- is the one that ends last, then the one that starts last (the shortest), then by code.
    SELECT mission, indicator,
           arg_max(period, (period_end, period_start, period)) AS latest_period,
           arg_max(period_type, (period_end, period_start, period)) AS latest_period_type,
           max(period_end) AS latest_period_end,
           arg_max(value, (period_end, period_start, period)) AS latest_value,
           arg_min(period, (period_end, period_start, period)) AS first_period,
           min(period_end) AS first_period_end,
           arg_min(value, (period_end, period_start, period)) AS first_value,
           count(*) AS n_points,
           bool_or(synthetic) AS synthetic
    FROM series GROUP BY mission, indicator
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

CREATE OR REPLACE VIEW scorecard AS
WITH counted AS (
    SELECT p.mission, it.theme,
           count(*) AS indicators,
           count(*) FILTER (WHERE p.status = 'on_track')  AS on_track,
           count(*) FILTER (WHERE p.status = 'at_risk')   AS at_risk,
           count(*) FILTER (WHERE p.status = 'off_track') AS off_track,
           count(*) FILTER (WHERE p.status = 'no_target') AS no_target,
           count(*) FILTER (WHERE p.status = 'insufficient') AS insufficient,
           count(*) FILTER (WHERE p.stale) AS stale,
           count(*) FILTER (WHERE p.synthetic) AS synthetic,
           avg(status_weight(p.status)) AS score
    FROM progress p JOIN indicator_theme it ON it.indicator = p.indicator
    GROUP BY p.mission, it.theme
)
SELECT mission, theme, indicators, on_track, at_risk, off_track, no_target,
       CASE WHEN score IS NULL AND insufficient > 0 THEN 'insufficient' ELSE cell_status(score) END AS status,
       score, insufficient, stale, synthetic
FROM counted;

COMMENT ON VIEW status_rules IS 'The figures the status rules use: bands, weights and scorecard cut-offs.';
COMMENT ON COLUMN status_rules.name IS 'Name of the figure.';
COMMENT ON COLUMN status_rules.value IS 'Its value.';
COMMENT ON COLUMN status_rules.meaning IS 'What it does.';
COMMENT ON VIEW reporting_cycles IS 'How long a value stays current after its period ends, per period type; older values are stale.';
COMMENT ON COLUMN reporting_cycles.period_type IS 'year, half, quarter, month, day or fiscal_year.';
COMMENT ON COLUMN reporting_cycles.days IS 'Days until the next period of this type ends.';
COMMENT ON COLUMN reporting_cycles.grace_days IS 'Days more allowed for late reporting.';
COMMENT ON COLUMN progress.status IS 'on_track: target met, or attainment >= pace; at_risk: within the at_risk_band of pace (a target that holds the baseline level: within hold_band of it); off_track: further behind; insufficient: no value since the baseline, so no trend to judge; no_target: no target set.';
COMMENT ON COLUMN progress.baseline IS 'Baseline value: the applicable milestone''s, else carried forward from the previous milestone, else the first observed value.';
COMMENT ON COLUMN progress.status_reason IS 'The status in a sentence.';
COMMENT ON COLUMN progress.stale IS 'True when the latest value is older than its period type''s reporting cycle allows (see reporting_cycles), counted to today; never for a mission that has ended.';
COMMENT ON COLUMN progress.days_since_latest IS 'Days from the end of the latest period to today.';
COMMENT ON COLUMN scorecard.status IS 'Mean status weight over indicators with targets (see status_rules): >= cell_on_track on_track, >= cell_at_risk at_risk, else off_track; insufficient when none can be judged yet; no_target when none has a target.';
COMMENT ON COLUMN scorecard.score IS 'Mean status weight (see status_rules) over indicators that are on track, at risk or off track.';
COMMENT ON COLUMN scorecard.insufficient IS 'How many have too little evidence to judge.';
COMMENT ON COLUMN scorecard.stale IS 'How many have a latest value older than their reporting cycle allows.';
COMMENT ON COLUMN scorecard.synthetic IS 'How many rest on synthetic demo series.';
