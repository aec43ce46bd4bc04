-- Rows received per partner and calendar month, with the rows worth a second look.
-- A value is unknown when it is not in the contract's lists: the engine kept it as
-- written (with a warning), so it is counted nowhere as a known language or place.
-- A possible duplicate is a further contact of the same person with the same partner on
-- the same day: often one contact entered twice, sometimes two real ones (a call, a visit).
-- Rows received count an event once, for its host: the host's file holds it. Partner activity
-- counts an event for its host and each co-host, so `co_hosted_events` gives the difference.
with params as (
    select
        $known_languages::varchar[] as known_languages,
        $known_neighborhoods::varchar[] as known_neighborhoods
),

contacts as (
    select
        g.partner_id,
        date_trunc('month', g.engaged_on)::date as month,
        g.participant_key,
        g.engaged_on,
        not list_contains(p.known_languages, g.language)
        or (g.neighborhood is not null and not list_contains(p.known_neighborhoods, g.neighborhood)) as has_unknown
    from engagements as g, params as p
),

contacts_by_month as (
    select
        partner_id,
        month,
        count(*) as contacts,
        count(*) filter (where has_unknown) as unknown_contacts
    from contacts
    group by all
),

same_day_repeats as (
    select partner_id, month, participant_key, engaged_on, count(*) - 1 as extra_rows
    from contacts
    group by all
    having count(*) > 1
),

repeats_by_month as (
    select
        partner_id,
        month,
        sum(extra_rows)::bigint as possible_duplicates,
        count(distinct participant_key) as people_with_repeats
    from same_day_repeats
    group by all
),

events_by_month as (
    select
        ev.host_partner_id as partner_id,
        date_trunc('month', ev.event_date)::date as month,
        count(*) as events,
        count(*) filter (
            where (ev.neighborhood is not null and not list_contains(p.known_neighborhoods, ev.neighborhood))
            or not list_has_all(p.known_languages, coalesce(ev.languages, []))
        ) as unknown_events
    from events as ev, params as p
    group by all
),

co_hosted_by_month as (
    select
        ch.partner_id,
        date_trunc('month', ev.event_date)::date as month,
        count(*) as co_hosted_events
    from event_cohosts as ch
    join events as ev using (event_id)
    group by all
),

final as (
    select
        partner_id,
        pa.name as partner_name,
        month,
        coalesce(c.contacts, 0) as contacts,
        coalesce(e.events, 0) as events,
        coalesce(h.co_hosted_events, 0) as co_hosted_events,
        coalesce(c.unknown_contacts, 0) + coalesce(e.unknown_events, 0) as rows_with_unknown_values,
        coalesce(r.possible_duplicates, 0) as possible_duplicates,
        coalesce(r.people_with_repeats, 0) as people_with_repeats
    from contacts_by_month as c
    full join events_by_month as e using (partner_id, month)
    full join co_hosted_by_month as h using (partner_id, month)
    left join repeats_by_month as r using (partner_id, month)
    left join partners as pa using (partner_id)
)

select * from final
order by month desc, partner_id
