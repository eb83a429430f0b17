-- Who made each change: the person behind each upload (and so behind every revision it wrote, through
-- its batch_id), and behind each acknowledgement of a signal. NULL where it was not recorded: changes
-- made before this migration, and the demo data.
ALTER TABLE batch ADD COLUMN uploaded_by VARCHAR;

CREATE OR REPLACE VIEW batches AS
SELECT batch_id, kind, file_name, sha256, uploaded_at,
       rows_in_file, rows_new, rows_revised, rows_unchanged, origin, uploaded_by
FROM batch;

ALTER TABLE signal_ack ADD COLUMN acknowledged_by VARCHAR;

CREATE OR REPLACE VIEW signal_acks AS
SELECT signal, fingerprint, note, acknowledged_at, acknowledged_by FROM signal_ack;

COMMENT ON COLUMN batches.uploaded_by IS 'Who made the upload: the user logged in to the dashboard (local when it runs without login), or the operating-system user of the command line; NULL when not recorded.';
COMMENT ON COLUMN signal_acks.acknowledged_by IS 'Who acknowledged it, as batches.uploaded_by names people; NULL when not recorded.';
