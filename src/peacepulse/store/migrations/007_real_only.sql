-- The scorecard of real data alone: a table macro, so the view and the "real data only" reading
-- share one definition. A series counts as real when none of its values is synthetic.
CREATE MACRO scorecard_of(real_only) AS TABLE
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
    WHERE NOT (real_only AND p.synthetic)
    GROUP BY p.mission, it.theme
)
SELECT mission, theme, indicators, on_track, at_risk, off_track, no_target,
       CASE WHEN score IS NULL AND insufficient > 0 THEN 'insufficient' ELSE cell_status(score) END AS status,
       score, insufficient, stale, synthetic
FROM counted;

CREATE OR REPLACE VIEW scorecard AS SELECT * FROM scorecard_of(false);
