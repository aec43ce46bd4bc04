-- Of the people whose first contact with the coalition (any partner, all time) fell in a
-- month of the period, how many came back within 90 days: another contact on a later day,
-- at most 90 days after the first. The filters choose whose first contact counts (its
-- partner, language, neighborhood); a return to any partner counts. A month whose 90 days
-- have not all passed by the latest contact in the store is marked incomplete, because
-- some of its people may still come back.
-- first_contacts holds each person's first day (every load and undo keeps it: impact.ingest.first_contacts)
with first_days as (
    select participant_key, first_engaged_on as first_day
    from first_contacts
    where first_engaged_on between $start::date and $end::date
),

-- people first seen in the period, through a first-day contact that passes the filters
-- (a contact on the first day is in the period exactly when the first day is)
cohort as (
    select distinct f.participant_key, f.first_day
    from first_days as f
    join engagements_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    ) as e
        on e.participant_key = f.participant_key and e.engaged_on = f.first_day
),

returned as (
    select distinct c.participant_key
    from cohort as c
    join engagements as g
        on g.participant_key = c.participant_key
        and g.engaged_on > c.first_day
        and g.engaged_on <= c.first_day + 90
),

latest as (
    select max(engaged_on) as last_contact from engagements
),

months as (
    select month from months_of_period($start::date, $end::date)
),

cohort_counts as (
    select
        date_trunc('month', c.first_day)::date as month,
        count(*) as new_people,
        count(r.participant_key) as returned_within_90_days
    from cohort as c
    left join returned as r using (participant_key)
    group by all
),

final as (
    select
        m.month,
        coalesce(c.new_people, 0) as new_people,
        coalesce(c.returned_within_90_days, 0) as returned_within_90_days,
        case when c.new_people > 0 then c.returned_within_90_days / c.new_people end as share_returned,
        (last_day(m.month) + 90) <= l.last_contact as complete
    from months as m
    cross join latest as l
    left join cohort_counts as c using (month)
)

select * from final
order by month
