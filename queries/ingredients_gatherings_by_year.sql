-- Community meetings, town halls and cultural events per calendar year and type: how many
-- were held (each once, whoever hosted) and how many people came (the headcount, else the
-- contacts recorded at the event: event_figures).
with gatherings as (
    select event_date, event_type, attendance
    from event_figures(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
    where event_type in ('community_meeting', 'town_hall', 'cultural_event')
),

final as (
    select
        year(event_date) as year,
        event_type,
        count(*) as events,
        sum(attendance) as attendance
    from gatherings
    group by all
)

select * from final
order by year, event_type
