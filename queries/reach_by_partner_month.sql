-- Unique people and contacts per partner and calendar month.
-- Each partner's own reach: a person served by two partners counts for each, and a
-- headcount-only event counts for its host and for each co-host, so partners do not add
-- up to the coalition's total (kpis.sql and kpis_by_month.sql count each once).
with engagements_in_scope as (
    select * from engagements_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

-- events without individual records: their headcount is what counts as contacts
headcount_only_events as (
    select * from headcount_only_events(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

months as (
    select month from months_of_period($start::date, $end::date)
),

engagement_counts as (
    select
        partner_id,
        date_trunc('month', engaged_on)::date as month,
        count(distinct participant_key) as unique_people,
        count(*) as engagement_contacts
    from engagements_in_scope
    group by all
),

-- each selected partner that hosted or co-hosted a headcount-only event gets its headcount
headcount_by_partner as (
    select pe.partner_id, date_trunc('month', pe.event_date)::date as month, sum(h.attendance) as headcount_contacts
    from partner_events(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    ) as pe
    join headcount_only_events as h using (event_id)
    group by all
),

partner_list as (
    select pa.partner_id, pa.name as partner_name
    from partners as pa
    where pa.partner_id in (select partner_id from engagement_counts union select partner_id from headcount_by_partner)
),

final as (
    select
        m.month,
        pl.partner_id,
        pl.partner_name,
        coalesce(e.unique_people, 0) as unique_people,
        coalesce(e.engagement_contacts, 0) + coalesce(h.headcount_contacts, 0) as contacts
    from months as m
    cross join partner_list as pl
    left join engagement_counts as e using (partner_id, month)
    left join headcount_by_partner as h using (partner_id, month)
)

select * from final
order by month, partner_id
