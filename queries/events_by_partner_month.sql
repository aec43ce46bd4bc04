-- Events per partner and calendar month: those it hosted and those it co-hosted. A
-- co-hosted event counts for each of its partners, so partners add up to more than the
-- events held.
with partner_events as (
    select * from partner_events(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

months as (
    select month from months_of_period($start::date, $end::date)
),

partner_list as (
    select pa.partner_id, pa.name as partner_name
    from partners as pa
    where $partners::varchar[] is null or list_contains($partners::varchar[], pa.partner_id)
),

counts as (
    select
        partner_id,
        date_trunc('month', event_date)::date as month,
        count(*) filter (where hosted) as hosted,
        count(*) filter (where not hosted) as co_hosted
    from partner_events
    group by all
),

final as (
    select
        m.month,
        pl.partner_id,
        pl.partner_name,
        coalesce(c.hosted, 0) + coalesce(c.co_hosted, 0) as events,
        coalesce(c.hosted, 0) as hosted,
        coalesce(c.co_hosted, 0) as co_hosted
    from months as m
    cross join partner_list as pl
    left join counts as c using (partner_id, month)
)

select * from final
order by month, partner_name
