-- The coalition's store. Keys and checks repeat the data contract so that the database
-- itself refuses what the ingest engine would refuse, except the keys of `engagements` (see
-- there). Foreign keys between data tables point from child to parent only where an undo never
-- deletes both in one transaction (DuckDB cannot delete a parent and its children in the same
-- transaction).
create sequence if not exists batch_id_seq start 1;

create table if not exists batches (
    batch_id integer primary key default nextval('batch_id_seq'),
    kind varchar not null check (kind in (
        'partners', 'events', 'engagements', 'targets', 'milestones', 'surveys', 'staff'
    )),
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
    undone_by varchar,
    sheet varchar  -- the sheet read, when the file is an Excel workbook
);
-- Databases made before workbooks were read get the column (null: a CSV file).
alter table batches add column if not exists sheet varchar;

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

-- No primary key and no foreign keys: the ingest engine refuses a (partner_id, engagement_id) twice in
-- a file or already stored, and an unknown partner, event or referring partner, before it stores a
-- file in its one transaction under the write lock, and undo checks who refers to a batch itself.
-- The keys were a second guard whose indexes cost more than the rest of storing a large file
-- (impact.db._unkey_engagements takes them off a database made with them). Rows are stored unsorted.
create table if not exists engagements (
    partner_id varchar not null,
    engagement_id varchar not null,
    engaged_on date not null,
    -- first 64 bits of HMAC-SHA256(key, participant id); the raw id is never stored
    participant_key ubigint not null,
    language varchar not null,
    event_id varchar,
    neighborhood varchar,
    age_group varchar check (age_group in ('0-17', '18-24', '25-44', '45-64', '65+')),
    channel varchar check (channel in (
        'in_person', 'phone', 'text', 'wechat', 'social_media', 'door_to_door', 'online', 'other'
    )),
    service_type varchar,
    -- the partner that referred this person here (another partner than partner_id), if any
    referred_by_partner_id varchar,
    batch_id integer not null,
    check (referred_by_partner_id is null or referred_by_partner_id <> partner_id)
);

-- Each person's first contact with the coalition: the earliest engaged_on of their contacts, one row
-- per participant_key that has any. Derived from `engagements` and kept equal to it by every load and
-- undo of contacts, in the same transaction (impact.ingest.first_contacts), so that new and returning
-- people, and the return within 90 days, need not group every stored contact. No key, as
-- `engagements`: the ingest code keeps one row per person, and an index would cost every load more
-- than it saves.
create table if not exists first_contacts (
    participant_key ubigint not null,
    first_engaged_on date not null
);

-- Targets: what the coalition set out to do, per metric, period and partner (null: the whole
-- coalition). A save on the Goals page loads the whole new set as one batch and marks the rows it
-- replaces with that batch (`superseded_by`) instead of deleting them, so undoing the save brings
-- them back. A metric, partner and period may be stored more than once, but only once among the
-- current rows (superseded_by is null): the ingest engine checks that, a key cannot.
create table if not exists targets (
    metric varchar not null check (metric in (
        'unique_people', 'contacts', 'events', 'event_attendance', 'languages_served',
        'neighborhoods_reached', 'active_partners', 'officials_meetings', 'survey_responses'
    )),
    period_start date not null,
    period_end date not null,
    target integer not null check (target >= 0),
    partner_id varchar references partners (partner_id),
    label varchar,
    batch_id integer not null references batches (batch_id),
    superseded_by integer,  -- the batch that replaced this row; null while it is current
    check (period_end >= period_start)
);

-- Milestones: moments that explain a chart. Only those marked public ever reach the public page,
-- and of those only the date and the title.
create table if not exists milestones (
    milestone_id varchar primary key,
    date date not null,
    title varchar not null,
    kind varchar not null check (kind in (
        'policy', 'crisis', 'campaign', 'meeting_with_officials', 'media', 'funding', 'other'
    )),
    partner_ids varchar[],
    description varchar,
    public boolean not null default false,
    batch_id integer not null references batches (batch_id)
);

-- Survey responses: the community's own voice, one row per response. The comment is free text
-- shown to staff only. participant_key as in engagements (the raw id is never stored).
create table if not exists surveys (
    response_id varchar primary key,
    responded_on date not null,
    partner_id varchar not null references partners (partner_id),
    language varchar,
    participant_key ubigint,
    event_id varchar references events (event_id),
    neighborhood varchar,
    age_group varchar check (age_group in ('0-17', '18-24', '25-44', '45-64', '65+')),
    felt_safer tinyint check (felt_safer between 1 and 5),
    knows_where_to_get_help boolean,
    trusts_organization tinyint check (trusts_organization between 1 and 5),
    satisfied tinyint check (satisfied between 1 and 5),
    would_recommend boolean,
    comment varchar,
    batch_id integer not null references batches (batch_id),
    check (
        felt_safer is not null or knows_where_to_get_help is not null or trusts_organization is not null
        or satisfied is not null or would_recommend is not null or comment is not null
    )
);

-- Staff: one row per staff member of a partner (multilingual capacity, tenure). staff_key as
-- participant_key: the first 64 bits of HMAC-SHA256(key, staff id); the raw id is never stored.
-- A staff id is the partner's own, so the key is unique within its partner.
create table if not exists staff (
    partner_id varchar not null references partners (partner_id),
    staff_key ubigint not null,
    languages varchar[] not null check (len(languages) > 0),
    role varchar check (role in ('outreach', 'case_management', 'organizing', 'leadership', 'other')),
    started_on date not null,
    ended_on date,
    fte double check (fte > 0 and fte <= 1),
    batch_id integer not null references batches (batch_id),
    primary key (partner_id, staff_key),
    check (ended_on is null or ended_on >= started_on)
);

-- Share links: a director's scoped, expiring view of the public impact page for a funder.
-- Only the SHA-256 of each token is stored (the token is shown once, to the director), so
-- a copy of the database does not open any link. A null partners list means all partners.
create sequence if not exists share_link_id_seq start 1;

create table if not exists share_links (
    link_id integer primary key default nextval('share_link_id_seq'),
    token_sha256 varchar not null unique check (regexp_full_match(token_sha256, '[0-9a-f]{64}')),
    label varchar not null check (length(trim(label)) > 0),  -- the director's name for the link
    recipient varchar,  -- who the link is for (its page says "Prepared for"); null in older links
    language varchar check (language in ('en', 'zh_Hant', 'zh_Hans', 'es')),  -- null: the visitor's
    partners varchar[],
    start_date date not null,
    end_date date not null,
    expires_on date not null,  -- the link works through this day (UTC)
    created_by varchar not null,
    created_at timestamp not null,
    revoked_at timestamp,
    revoked_by varchar,
    last_opened timestamp,
    times_opened integer not null default 0 check (times_opened >= 0),
    check (start_date <= end_date)
);
-- Links made before recipients and languages get the columns (null: no "Prepared for" line, and
-- the page opens in the visitor's language).
alter table share_links add column if not exists recipient varchar;
alter table share_links add column if not exists language varchar;

-- The public impact page's protected reports (impact.public): built after each load and undo for
-- the open page and every active share link, so that a visit never runs the suppression solver.
-- `report` is JSON (published labels and numbers only, never rows of data); `data_version` is
-- what it was built from (queries/public_data_version.sql): a report of older data is not read.
create table if not exists public_reports (
    scope_key varchar primary key,  -- impact.public.PublicScope.key: period, partners, threshold
    data_version varchar not null,
    built_at timestamp not null,
    report varchar not null,
    first_day date,  -- the data's first and last day at that version (a visit reads them here)
    last_day date
);
alter table public_reports add column if not exists first_day date;
alter table public_reports add column if not exists last_day date;

-- The dashboards' scope, defined once: the queries that count activity for a period and the
-- sidebar's filters read their rows through these macros, so every page agrees on what is in
-- scope. A null list means all (no filter); an empty list matches nothing. `create or replace`
-- because this file runs on every open: a database made by an older version gets the current
-- definitions. Callers cast their parameters ($partners::varchar[]), since a typed macro does
-- not accept an untyped one. Columns are qualified: `languages` is a parameter and a column.

-- Contacts in the period with a chosen partner, in a chosen language, in a chosen neighborhood.
create or replace macro engagements_in_scope(
    start_date date, end_date date, partners varchar[], languages varchar[], neighborhoods varchar[]
) as table
    select e.*
    from engagements as e
    where e.engaged_on between start_date and end_date
        and (partners is null or list_contains(partners, e.partner_id))
        and (languages is null or list_contains(languages, e.language))
        and (neighborhoods is null or list_contains(neighborhoods, e.neighborhood));

-- Events in the period that a chosen partner hosted or co-hosted, offered in at least one
-- chosen language, in a chosen neighborhood.
create or replace macro events_in_scope(
    start_date date, end_date date, partners varchar[], languages varchar[], neighborhoods varchar[]
) as table
    select ev.*
    from events as ev
    where ev.event_date between start_date and end_date
        and (
            partners is null
            or list_contains(partners, ev.host_partner_id)
            or list_has_any(partners, coalesce(ev.co_host_partner_ids, []))
        )
        and (languages is null or list_has_any(languages, coalesce(ev.languages, [])))
        and (neighborhoods is null or list_contains(neighborhoods, ev.neighborhood));

-- Each event in scope with what it counts for. `recorded`: the contacts recorded at the event
-- (linked by event_id), over all data, not only the period's or the filters'. An event with
-- records is counted through them, never twice: only an event with a headcount and no record
-- is `counted_by_headcount`, and its headcount is what counts as contacts (`headcount_only`,
-- 0 for every other event). `attendance`: the headcount, else the records, else 0; the
-- headcount as reported (the events table's `attendance`, null if none) is `headcount`.
create or replace macro event_figures(
    start_date date, end_date date, partners varchar[], languages varchar[], neighborhoods varchar[]
) as table
    select f.*, case when f.counted_by_headcount then f.headcount else 0 end as headcount_only
    from (
        select
            ev.* replace (coalesce(ev.attendance, r.recorded, 0) as attendance),
            ev.attendance as headcount,
            coalesce(r.recorded, 0) as recorded,
            ev.attendance is not null and r.recorded is null as counted_by_headcount
        from events_in_scope(start_date, end_date, partners, languages, neighborhoods) as ev
        left join (
            select g.event_id, count(*) as recorded
            from engagements as g
            where g.event_id is not null
            group by g.event_id
        ) as r on r.event_id = ev.event_id
    ) as f;

-- Events in scope that have a headcount and no individual records: their headcount is what
-- counts as contacts (event_figures decides which). The columns of the events table.
create or replace macro headcount_only_events(
    start_date date, end_date date, partners varchar[], languages varchar[], neighborhoods varchar[]
) as table
    select f.* exclude (headcount, recorded, counted_by_headcount, headcount_only) replace (f.headcount as attendance)
    from event_figures(start_date, end_date, partners, languages, neighborhoods) as f
    where f.counted_by_headcount;

-- One row per event in scope and per partner that hosted or co-hosted it (`hosted` says
-- which): the partners of each event, whoever was selected. Collaboration is counted over
-- these, so a selected partner's co-hosts show too.
create or replace macro event_partners(
    start_date date, end_date date, partners varchar[], languages varchar[], neighborhoods varchar[]
) as table
    select ev.event_id, ev.event_date, ev.event_type, ev.host_partner_id as partner_id, true as hosted
    from events_in_scope(start_date, end_date, partners, languages, neighborhoods) as ev
    union all
    select ev.event_id, ev.event_date, ev.event_type, c.partner_id, false as hosted
    from events_in_scope(start_date, end_date, partners, languages, neighborhoods) as ev
    join event_cohosts as c on c.event_id = ev.event_id;

-- One row per event in scope and per selected partner that hosted or co-hosted it: a
-- co-hosted event counts for each of its partners, so partners add up to more than the
-- events held. A co-host of a selected partner's event counts only if it was selected too.
create or replace macro partner_events(
    start_date date, end_date date, partners varchar[], languages varchar[], neighborhoods varchar[]
) as table
    select ep.*
    from event_partners(start_date, end_date, partners, languages, neighborhoods) as ep
    where partners is null or list_contains(partners, ep.partner_id);

-- Survey responses in the period given to a chosen partner, in a chosen language, in a chosen
-- neighborhood (a response without a language or neighborhood is left out once that filter is set).
create or replace macro surveys_in_scope(
    start_date date, end_date date, partners varchar[], languages varchar[], neighborhoods varchar[]
) as table
    select s.*
    from surveys as s
    where s.responded_on between start_date and end_date
        and (partners is null or list_contains(partners, s.partner_id))
        and (languages is null or list_contains(languages, s.language))
        and (neighborhoods is null or list_contains(neighborhoods, s.neighborhood));

-- The first day of each calendar month the period touches (a chart's x axis: months without
-- activity show as zero, not as a gap).
create or replace macro months_of_period(start_date date, end_date date) as table
    select unnest(generate_series(
        date_trunc('month', start_date), date_trunc('month', end_date), interval 1 month
    ))::date as month;
