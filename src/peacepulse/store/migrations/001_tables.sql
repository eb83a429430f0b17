-- Base tables. Users query the views of 002; these tables are the storage behind them.
CREATE TABLE batch (
    batch_id       INTEGER PRIMARY KEY,
    kind           VARCHAR NOT NULL,
    file_name      VARCHAR NOT NULL,
    sha256         VARCHAR NOT NULL,
    uploaded_at    TIMESTAMP NOT NULL,
    rows_in_file   INTEGER NOT NULL,
    rows_new       INTEGER NOT NULL,
    rows_revised   INTEGER NOT NULL,
    rows_unchanged INTEGER NOT NULL,
    origin         VARCHAR NOT NULL
);

CREATE TABLE theme (
    number  INTEGER PRIMARY KEY,
    title   VARCHAR NOT NULL,
    summary VARCHAR NOT NULL
);

CREATE TABLE mission (
    code        VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    kind        VARCHAR,
    lead_entity VARCHAR,
    start_date  DATE,
    end_date    DATE,
    hq_location VARCHAR,
    country     VARCHAR,
    latitude    DOUBLE,
    longitude   DOUBLE,
    source      VARCHAR,
    batch_id    INTEGER
);

CREATE TABLE indicator (
    code            VARCHAR PRIMARY KEY,
    name            VARCHAR NOT NULL,
    definition      VARCHAR,
    result_level    VARCHAR,
    measure         VARCHAR,
    unit            VARCHAR NOT NULL,
    direction       VARCHAR NOT NULL,
    aggregation     VARCHAR,
    period_type     VARCHAR,
    source          VARCHAR,
    component       VARCHAR,
    disaggregations VARCHAR,
    kpi             BOOLEAN NOT NULL DEFAULT false,
    batch_id        INTEGER
);

CREATE TABLE indicator_theme (
    indicator VARCHAR NOT NULL,
    theme     INTEGER NOT NULL,
    rank      INTEGER NOT NULL,  -- 1 = primary theme
    PRIMARY KEY (indicator, theme)
);

-- Targets and observations are append-only: a changed value is a new revision.
-- The big tables carry no index on purpose: DuckDB's ART indexes cost memory at
-- millions of rows, and ingest checks keys itself before writing.
CREATE TABLE target_revision (
    mission         VARCHAR NOT NULL,
    indicator       VARCHAR NOT NULL,
    period          VARCHAR NOT NULL,
    period_type     VARCHAR NOT NULL,
    period_start    DATE NOT NULL,
    period_end      DATE NOT NULL,
    target          DOUBLE,
    baseline        DOUBLE,
    baseline_period VARCHAR,
    baseline_end    DATE,     -- last day of baseline_period
    comment         VARCHAR,
    revision        INTEGER NOT NULL,
    batch_id        INTEGER NOT NULL,
    recorded_at     TIMESTAMP NOT NULL
);

CREATE TABLE observation_revision (
    mission      VARCHAR NOT NULL,
    indicator    VARCHAR NOT NULL,
    period       VARCHAR NOT NULL,
    period_type  VARCHAR NOT NULL,
    period_start DATE NOT NULL,
    period_end   DATE NOT NULL,
    sex          VARCHAR NOT NULL,
    age          VARCHAR NOT NULL,
    location     VARCHAR NOT NULL,
    value        DOUBLE NOT NULL,
    numerator    DOUBLE,
    denominator  DOUBLE,
    comment      VARCHAR,
    source       VARCHAR,
    revision     INTEGER NOT NULL,
    batch_id     INTEGER NOT NULL,
    recorded_at  TIMESTAMP NOT NULL
);

-- The current revision of each observation, kept in the upload's own transaction
-- so that reads never scan the history.
CREATE TABLE observation_current AS SELECT * FROM observation_revision LIMIT 0;
