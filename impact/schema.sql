-- The coalition's store. Keys and checks repeat the data contract so that the database
-- itself refuses what the ingest engine would refuse. Foreign keys between data tables
-- point from child to parent only where an undo never deletes both in one transaction
-- (DuckDB cannot delete a parent and its children in the same transaction).
create sequence if not exists batch_id_seq start 1;

create table if not exists batches (
    batch_id integer primary key default nextval('batch_id_seq'),
    kind varchar not null check (kind in ('partners', 'events', 'engagements')),
    file_name varchar not null,
    sha256 varchar not null check (length(sha256) = 64),
    row_count integer not null check (row_count >= 0),
    loaded_by varchar not null,
    loaded_at timestamp not null,
    encoding varchar,
    delimiter varchar,
    warning_count integer not null default 0,
    status varchar not null default 'loaded' check (status in ('loaded', 'undone')),
    undone_at timestamp,
    undone_by varchar
);

create table if not exists partners (
    partner_id varchar primary key check (regexp_full_match(partner_id, '[A-Za-z0-9_-]{1,32}')),
    name varchar not null,
    name_zh varchar,
    focus_areas varchar[],
    joined_on date,
    batch_id integer not null references batches (batch_id)
);

create table if not exists events (
    event_id varchar primary key,
    event_date date not null,
    host_partner_id varchar not null references partners (partner_id),
    co_host_partner_ids varchar[],
    event_type varchar not null check (event_type in (
        'workshop', 'community_meeting', 'town_hall', 'training', 'outreach',
        'stakeholder_meeting', 'crisis_response', 'cultural_event', 'other'
    )),
    title varchar,
    neighborhood varchar,
    languages varchar[],
    attendance integer check (attendance >= 0),
    topic varchar,
    batch_id integer not null references batches (batch_id),
    check (co_host_partner_ids is null or not list_contains(co_host_partner_ids, host_partner_id))
);

-- One row per co-host, so collaboration can be joined and counted.
create table if not exists event_cohosts (
    event_id varchar not null,
    partner_id varchar not null references partners (partner_id),
    batch_id integer not null references batches (batch_id),
    primary key (event_id, partner_id)
);

create table if not exists engagements (
    partner_id varchar not null references partners (partner_id),
    engagement_id varchar not null,
    engaged_on date not null,
    -- first 64 bits of HMAC-SHA256(key, participant id); the raw id is never stored
    participant_key ubigint not null,
    language varchar not null,
    event_id varchar references events (event_id),
    neighborhood varchar,
    age_group varchar check (age_group in ('0-17', '18-24', '25-44', '45-64', '65+')),
    channel varchar check (channel in (
        'in_person', 'phone', 'text', 'wechat', 'social_media', 'door_to_door', 'online', 'other'
    )),
    service_type varchar,
    batch_id integer not null references batches (batch_id),
    primary key (partner_id, engagement_id)
);
