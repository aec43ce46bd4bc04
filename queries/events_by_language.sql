-- Events held in each language and their attendance. An event offered in Cantonese and
-- English counts in both rows, so rows do not add up to the events held.
with params as (
    select $languages::varchar[] as languages
),

-- attendance: the headcount, else the contacts recorded at the event over all data
event_figures as (
    select event_id, languages, attendance
    from event_figures(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

event_languages as (
    select event_id, unnest(languages) as language, attendance
    from event_figures
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
