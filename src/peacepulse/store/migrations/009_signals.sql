-- How often each mission assesses itself (a year unless its missions file says otherwise), and the
-- signals people have acknowledged.
ALTER TABLE mission ADD COLUMN assessment_cycle VARCHAR;

CREATE OR REPLACE VIEW missions AS
SELECT code, name, kind, lead_entity,
       CASE WHEN end_date IS NOT NULL THEN false
            WHEN start_date IS NOT NULL THEN true END AS active,  -- NULL: dates unknown
       start_date, end_date, hq_location, country, latitude, longitude, source,
       coalesce(assessment_cycle, 'year') AS assessment_cycle
FROM mission;

CREATE TABLE signal_ack (
    signal          VARCHAR NOT NULL,   -- rule, mission, theme and indicator
    fingerprint     VARCHAR NOT NULL,   -- the data that made it fire
    note            VARCHAR NOT NULL,
    acknowledged_at TIMESTAMP NOT NULL
);

CREATE VIEW signal_acks AS SELECT signal, fingerprint, note, acknowledged_at FROM signal_ack;

COMMENT ON COLUMN missions.assessment_cycle IS 'How often the mission assesses each theme: year (the default), half or quarter.';
COMMENT ON VIEW signal_acks IS 'Signals acknowledged with a note; each stays hidden until the data behind it changes.';
COMMENT ON COLUMN signal_acks.signal IS 'Which signal: its rule, mission, theme and indicator.';
COMMENT ON COLUMN signal_acks.fingerprint IS 'The figures that made it fire when it was acknowledged.';
COMMENT ON COLUMN signal_acks.note IS 'What the person acknowledging it said.';
COMMENT ON COLUMN signal_acks.acknowledged_at IS 'When (UTC).';
