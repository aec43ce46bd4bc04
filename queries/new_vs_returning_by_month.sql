-- Unique people of each month, split into people new to the coalition and returning people.
-- New: the person's first contact with the coalition ever (any partner, all time) falls in
-- that month; returning: everyone else seen that month. The filters choose who is seen in
-- a month, never when their first contact was, so a person first met by another partner
-- years ago is returning for every partner.
with engagements_in_scope as (
    select participant_key, date_trunc('month', engaged_on)::date as month
    from engagements_in_scope(
        $start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]
    )
),

people_by_month as (
    select distinct month, participant_key
    from engagements_in_scope
),

-- each person's first contact over all data, as stored (first_contacts, kept by every load and
-- undo): grouping every contact for it cost most of this query's time
first_months as (
    select participant_key, date_trunc('month', first_engaged_on)::date as first_month
    from first_contacts
),

months as (
    select month from months_of_period($start::date, $end::date)
),

counts as (
    select
        pm.month,
        count(*) filter (where f.first_month = pm.month) as new_people,
        count(*) filter (where f.first_month < pm.month) as returning_people
    from people_by_month as pm
    join first_months as f using (participant_key)
    group by pm.month
),

final as (
    select
        m.month,
        coalesce(c.new_people, 0) as new_people,
        coalesce(c.returning_people, 0) as returning_people
    from months as m
    left join counts as c using (month)
)

select * from final
order by month
