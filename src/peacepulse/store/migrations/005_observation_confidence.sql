-- Observations may say how far the reporting component trusts a figure.
ALTER TABLE observation_revision ADD COLUMN confidence VARCHAR;
ALTER TABLE observation_current ADD COLUMN confidence VARCHAR;

CREATE OR REPLACE VIEW observations AS
SELECT mission, indicator, period, period_type, period_start, period_end,
       sex, age, location, value, numerator, denominator, comment, source,
       coalesce(lower(trim(source)) = 'synthetic', false) AS synthetic,
       revision, batch_id, recorded_at, confidence
FROM observation_current;

CREATE OR REPLACE VIEW observation_history AS
SELECT mission, indicator, period, period_type, period_start, period_end,
       sex, age, location, value, numerator, denominator, comment, source,
       coalesce(lower(trim(source)) = 'synthetic', false) AS synthetic,
       revision, batch_id, recorded_at, confidence
FROM observation_revision;

COMMENT ON COLUMN observations.confidence IS 'How far the reporting component trusts the value: high, medium or low; NULL when not stated.';
COMMENT ON COLUMN observation_history.confidence IS 'How far the reporting component trusted the value: high, medium or low; NULL when not stated.';
