-- db3: IoT events, with a range-partitioned table, a GiST index on a tsrange, an index led by a
-- timestamptz column and a trigger.
CREATE SCHEMA iot;
CREATE TABLE iot.devices (
    id        serial PRIMARY KEY,
    serial_no text NOT NULL UNIQUE,
    active    tstzrange NOT NULL DEFAULT tstzrange(now(), NULL)
);
CREATE INDEX devices_active_gist ON iot.devices USING gist (active);
CREATE TABLE iot.readings (
    device_id   integer NOT NULL REFERENCES iot.devices(id),
    read_at     timestamptz NOT NULL,
    temperature numeric(5,2),
    PRIMARY KEY (device_id, read_at)
) PARTITION BY RANGE (read_at);
CREATE TABLE iot.readings_2024 PARTITION OF iot.readings FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE iot.readings_2025 PARTITION OF iot.readings FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE iot.alerts (
    id         bigserial PRIMARY KEY,
    device_id  integer NOT NULL REFERENCES iot.devices(id),
    raised_at  timestamptz NOT NULL DEFAULT now(),
    message    text NOT NULL
);
CREATE INDEX alerts_raised_at_idx ON iot.alerts (raised_at);
CREATE FUNCTION iot.alert_on_heat() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.temperature > 80 THEN
        INSERT INTO iot.alerts (device_id, message) VALUES (NEW.device_id, 'too hot: ' || NEW.temperature);
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER readings_heat AFTER INSERT ON iot.readings_2025 FOR EACH ROW EXECUTE FUNCTION iot.alert_on_heat();
CREATE VIEW iot.latest_readings AS
    SELECT DISTINCT ON (device_id) device_id, read_at, temperature FROM iot.readings ORDER BY device_id, read_at DESC;
INSERT INTO iot.devices (serial_no) SELECT 'DEV-' || g FROM generate_series(1, 40) g;
INSERT INTO iot.readings SELECT 1 + g % 40, timestamptz '2025-01-01' + g * interval '1 minute', 20 + g % 70
    FROM generate_series(1, 3000) g;
SET client_min_messages = error;
ANALYZE;
