-- Months in which a partner sent no contacts and held no events, from the month it joined
-- (or the coalition's first month of data, if later) to the last month with data.
-- Months before $earliest or after $today are left out, so a single mistyped date
-- cannot stretch the span over decades.
with params as (
    select $earliest::date as earliest, $today::date as today
),

activity as (
    select partner_id, date_trunc('month', engaged_on)::date as month from engagements
    union
    select host_partner_id, date_trunc('month', event_date)::date from events
    union
    select c.partner_id, date_trunc('month', ev.event_date)::date
    from event_cohosts as c
    join events as ev using (event_id)
),

bounds as (
    select
        greatest(min(a.month), date_trunc('month', p.earliest)::date) as first_month,
        least(max(a.month), date_trunc('month', p.today)::date) as last_month
    from activity as a, params as p
    where a.month between date_trunc('month', p.earliest) and p.today
    group by p.earliest, p.today
),

partner_months as (
    select
        pa.partner_id,
        pa.name as partner_name,
        unnest(generate_series(
            greatest(coalesce(date_trunc('month', pa.joined_on)::date, b.first_month), b.first_month),
            b.last_month,
            interval 1 month
        ))::date as month
    from partners as pa, bounds as b
),

final as (
    select partner_id, partner_name, month
    from partner_months
    anti join activity using (partner_id, month)
)

select * from final
order by partner_id, month
