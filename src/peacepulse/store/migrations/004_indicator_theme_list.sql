-- An indicator's themes are stored with it, as '8;3' (primary first), so that an
-- indicators upload is one replace per row. indicator_theme becomes a view over them.
ALTER TABLE indicator ADD COLUMN theme_list VARCHAR;
UPDATE indicator SET theme_list = t.themes
FROM (SELECT indicator, string_agg(theme::VARCHAR, ';' ORDER BY rank) AS themes
      FROM indicator_theme GROUP BY indicator) t
WHERE t.indicator = indicator.code;
DROP TABLE indicator_theme;
CREATE VIEW indicator_theme AS
SELECT code AS indicator, theme::INTEGER AS theme, rank::INTEGER AS rank
FROM (SELECT code, unnest(string_split(theme_list, ';')) AS theme,
             generate_subscripts(string_split(theme_list, ';'), 1) AS rank
      FROM indicator WHERE theme_list IS NOT NULL);
COMMENT ON COLUMN indicator.theme_list IS 'Theme numbers separated by '';'', the primary theme first.';
COMMENT ON VIEW indicator_theme IS 'Storage view behind indicator_themes: indicator.theme_list, one row per theme.';
COMMENT ON COLUMN indicator_theme.indicator IS 'Indicator code.';
COMMENT ON COLUMN indicator_theme.theme IS 'Theme number.';
COMMENT ON COLUMN indicator_theme.rank IS 'Position in the indicator''s theme list; 1 is the primary theme.';
