-- Events held in each language and their attendance. An event offered in Cantonese and
-- English counts in both rows, so rows do not add up to the events held.
with params as (
    select $languages::varchar[] as languages
),

events_in_scope as (
    select * from events_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

-- contacts recorded at each event, over all data (attendance of an event without a headcount)
recorded_at_event as (
    select event_id, count(*) as recorded
    from engagements
    where event_id is not null
    group by event_id
),

event_languages as (
    select
        ev.event_id,
        unnest(ev.languages) as language,
        coalesce(ev.attendance, r.recorded, 0) as attendance
    from events_in_scope as ev
    left join recorded_at_event as r using (event_id)
),

final as (
    select language, count(*) as events, sum(attendance) as attendance
    from event_languages, params as p
    -- with a language filter, an event in Cantonese and English shows only the chosen rows
    where p.languages is null or list_contains(p.languages, language)
    group by language
)

select * from final
order by events desc, language
