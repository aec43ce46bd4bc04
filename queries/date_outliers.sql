-- Contacts and events dated far outside the usual range: before $earliest, before the
-- partner joined the coalition, or more than $slack_days days beyond the partner's usual
-- spread of dates (Tukey's fences: 1.5 interquartile ranges beyond the quartiles). Such a
-- date is usually a typo (2204, 1924) or a day/month mix-up, and it distorts trends.
with params as (
    select $earliest::date as earliest, $slack_days::integer as slack_days
),

dated_rows as (
    select partner_id, 'contact' as record_kind, engagement_id as record_id, engaged_on as day, batch_id
    from engagements
    union all
    select host_partner_id, 'event', event_id, event_date, batch_id
    from events
),

partner_spread as (
    select
        partner_id,
        quantile_cont(day - date '2000-01-01', 0.25) as q1,
        quantile_cont(day - date '2000-01-01', 0.75) as q3
    from dated_rows
    group by partner_id
),

flagged as (
    select
        d.*,
        pa.joined_on,
        case
            when d.day < p.earliest then 'before_earliest'
            when d.day < pa.joined_on then 'before_joined'
            when d.day - date '2000-01-01' < s.q1 - 1.5 * (s.q3 - s.q1) - p.slack_days then 'far_before'
            when d.day - date '2000-01-01' > s.q3 + 1.5 * (s.q3 - s.q1) + p.slack_days then 'far_after'
        end as reason
    from dated_rows as d
    join partner_spread as s using (partner_id)
    left join partners as pa using (partner_id)
    cross join params as p
),

final as (
    select partner_id, record_kind, record_id, day, reason, joined_on, batch_id
    from flagged
    where reason is not null
)

select * from final
order by partner_id, day
