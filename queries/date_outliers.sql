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

-- The quartiles are those of quantile_cont, worked out from each day's count of rows: quantile_cont
-- itself holds every row's date in memory (10,000,000 contacts took a gigabyte), a day's count does not.
day_counts as (
    select partner_id, day - date '2000-01-01' as day_number, count(*) as day_rows
    from dated_rows
    group by all
),

-- a day's rows take the places rows_before to rows_before + day_rows - 1 among the partner's sorted dates
placed as (
    select
        partner_id,
        day_number,
        day_rows,
        sum(day_rows) over (partition by partner_id order by day_number) - day_rows as rows_before,
        sum(day_rows) over (partition by partner_id) as partner_rows
    from day_counts
),

-- quantile_cont(q) lies at place (n - 1) * q, between the dates at the places below and above it
quartile_places as (
    select distinct partner_id, q.quartile, (partner_rows - 1) * q.quartile as place
    from placed, (values (0.25::double), (0.75::double)) as q (quartile)
),

quartiles as (
    select
        qp.partner_id,
        qp.quartile,
        qp.place,
        min(p.day_number) filter (where floor(qp.place) < p.rows_before + p.day_rows) as below,
        min(p.day_number) filter (where ceil(qp.place) < p.rows_before + p.day_rows) as above
    from quartile_places as qp
    join placed as p using (partner_id)
    group by all
),

partner_spread as (
    select
        partner_id,
        max(below + (place - floor(place)) * (above - below)) filter (where quartile = 0.25) as q1,
        max(below + (place - floor(place)) * (above - below)) filter (where quartile = 0.75) as q3
    from quartiles
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
