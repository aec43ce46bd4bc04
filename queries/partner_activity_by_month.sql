-- Each partner's data per calendar month of the period (contacts recorded and events hosted
-- or co-hosted), flagging months with no data at all: a gap means a partner's upload may be
-- missing, so a trend over that month should not be trusted yet. A month counts as a gap
-- only from the partner's first data (all time) up to the coalition's latest data.
-- Only the partner filter applies: this is about whether data arrived, not whom it reached.
with params as (
    select
        $start::date as start_date,
        $end::date as end_date,
        $partners::varchar[] as partners
),

activity as (
    select partner_id, date_trunc('month', engaged_on)::date as month, count(*) as contacts, 0 as events
    from engagements
    group by all
    union all
    -- every event, whatever its date, for its host and for each co-host
    select partner_id, date_trunc('month', event_date)::date, 0, count(*)
    from event_partners('-infinity'::date, 'infinity'::date, null, null, null)
    group by all
),

partner_months as (
    select partner_id, month, sum(contacts) as contacts, sum(events) as events
    from activity
    group by all
),

partner_bounds as (
    select partner_id, min(month) as first_month
    from partner_months
    group by partner_id
),

coalition_last_month as (
    select max(pm.month) as last_month
    from partner_months as pm, params as p
    where pm.month <= p.end_date
),

months as (
    select month from months_of_period($start::date, $end::date)
),

partner_list as (
    select pa.partner_id, pa.name as partner_name
    from partners as pa, params as p
    where p.partners is null or list_contains(p.partners, pa.partner_id)
),

final as (
    select
        m.month,
        pl.partner_id,
        pl.partner_name,
        coalesce(pm.contacts, 0) as contacts,
        coalesce(pm.events, 0) as events,
        coalesce(m.month between b.first_month and l.last_month, false) as expected,
        coalesce(m.month between b.first_month and l.last_month, false) and pm.partner_id is null as gap
    from months as m
    cross join partner_list as pl
    cross join coalition_last_month as l
    left join partner_bounds as b using (partner_id)
    left join partner_months as pm using (partner_id, month)
)

select * from final
order by partner_name, month
