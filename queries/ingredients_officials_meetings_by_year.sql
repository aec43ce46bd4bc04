-- Meetings with officials (events of type stakeholder_meeting) per calendar year and selected
-- partner that hosted or co-hosted them: which partners hold which relationships. A meeting
-- held together counts for each of its partners; `hosted` counts it for its host only, so the
-- hosted meetings add up to the meetings held.
with meetings as (
    select event_date, partner_id, hosted from partner_events(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
    where event_type = 'stakeholder_meeting'
),

final as (
    select
        year(event_date) as year,
        partner_id,
        count(*) as meetings,
        count(*) filter (where hosted) as hosted_meetings
    from meetings
    group by all
)

select * from final
order by year, partner_id
