-- ctid store, schema version 1 (PostgreSQL): the call log, users' services and last presence,
-- agents' queue memberships changed at run time, and the queue log.

CREATE TABLE call_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL,
    start_ms BIGINT NOT NULL,
    answered_ms BIGINT,
    end_ms BIGINT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('incoming', 'outgoing')),
    peer_number TEXT NOT NULL,
    peer_name TEXT NOT NULL,
    linkedid TEXT NOT NULL
);
CREATE INDEX call_log_by_user ON call_log (user_id, id);
CREATE INDEX call_log_by_start ON call_log (start_ms);

CREATE TABLE user_services (
    user_id BIGINT PRIMARY KEY,
    dnd BOOLEAN NOT NULL,
    incallfilter BOOLEAN NOT NULL,
    recording BOOLEAN NOT NULL,
    voicemail_enabled BOOLEAN NOT NULL,
    fwd_unconditional_enabled BOOLEAN NOT NULL,
    fwd_unconditional_destination TEXT NOT NULL,
    fwd_busy_enabled BOOLEAN NOT NULL,
    fwd_busy_destination TEXT NOT NULL,
    fwd_noanswer_enabled BOOLEAN NOT NULL,
    fwd_noanswer_destination TEXT NOT NULL
);

CREATE TABLE user_presence (
    user_id BIGINT PRIMARY KEY,
    status TEXT NOT NULL
);

CREATE TABLE agent_queue_membership (
    agent_id BIGINT NOT NULL,
    queue_id BIGINT NOT NULL,
    member BOOLEAN NOT NULL,
    penalty BIGINT NOT NULL,
    PRIMARY KEY (agent_id, queue_id)
);

CREATE TABLE queue_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    queue_id BIGINT NOT NULL,
    time_ms BIGINT NOT NULL,
    event TEXT NOT NULL CHECK (event IN ('enter', 'connect', 'abandon')),
    wait_secs BIGINT NOT NULL
);
CREATE INDEX queue_log_by_queue ON queue_log (queue_id, time_ms);
