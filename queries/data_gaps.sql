-- Months in which a partner sent no contacts and held or co-hosted no events: from its
-- first month of data (or the month it joined, if later; a partner without data yet
-- from the month it joined) to the latest month of anyone's data. Dates before
-- $earliest or after $today are left out; a mistyped date inside that span does stretch
-- the list, and shows up among the dates far outside the usual range.
with params as (
    select date_trunc('month', $earliest::date)::date as earliest, $today::date as today
),

activity as (
    select a.partner_id, a.month
    from (
        select partner_id, date_trunc('month', engaged_on)::date as month from engagements
        union
        -- every event, whatever its date, for its host and for each co-host
        select partner_id, date_trunc('month', event_date)::date
        from event_partners('-infinity'::date, 'infinity'::date, null, null, null)
    ) as a, params as p
    where a.month between p.earliest and p.today
),

coalition_end as (
    select max(month) as last_month from activity
),

partner_start as (
    select
        pa.partner_id,
        pa.name as partner_name,
        greatest(min(a.month), date_trunc('month', pa.joined_on)::date, p.earliest) as first_month
    from partners as pa
    cross join params as p
    left join activity as a using (partner_id)
    group by pa.partner_id, pa.name, pa.joined_on, p.earliest
),

partner_months as (
    select
        s.partner_id,
        s.partner_name,
        unnest(generate_series(s.first_month, e.last_month, interval 1 month))::date as month
    from partner_start as s, coalition_end as e
    where s.first_month <= e.last_month
),

final as (
    select partner_id, partner_name, month
    from partner_months
    anti join activity using (partner_id, month)
)

select * from final
order by partner_id, month
