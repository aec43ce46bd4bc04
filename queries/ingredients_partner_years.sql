-- Each partner's activity per calendar year: contacts it recorded and events it hosted or
-- co-hosted. A partner with neither in a year has no row for it. The partners active in a
-- year are those the collaboration network of that year can connect.
with contacts as (
    select partner_id, year(engaged_on) as year, count(*) as contacts
    from engagements_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
    group by all
),

partner_events as (
    select partner_id, year(event_date) as year, count(distinct event_id) as events
    from partner_events(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
    group by all
),

final as (
    select
        year,
        partner_id,
        coalesce(c.contacts, 0) as contacts,
        coalesce(pe.events, 0) as events
    from contacts as c
    full join partner_events as pe using (partner_id, year)
)

select * from final
order by year, partner_id
