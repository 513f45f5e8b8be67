-- ctid store, schema version 2 (SQLite): the configuration (what a dataset file holds).
-- One row per configured object (kind, id, the object as the core's JSON) and one row per
-- singleton section (xivo_uuid, dialplan, presence_groups, phone_hints); crates/store/src/config.rs
-- says why. A store holds a configuration once its xivo_uuid section exists.

CREATE TABLE config_object (
    kind TEXT NOT NULL,
    id BIGINT NOT NULL,
    body TEXT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (kind, id)
);

CREATE TABLE config_section (
    name TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
