-- Staff continuity per calendar year, for the selected partners: staff who worked there on at
-- least one day of the year (up to the period's end), those who started and those who left
-- that year, and of the staff there on the year's first day, those still there on its last day
-- (the period's end, for the year it cuts short).
with years as (
    select
        y as year,
        make_date(y, 1, 1) as first_day,
        least(make_date(y, 12, 31), $end::date) as last_day
    from range(year($start::date), year($end::date) + 1) as t (y)
),

chosen as (
    select staff_key, partner_id, started_on, ended_on
    from staff
    where $partners::varchar[] is null or list_contains($partners::varchar[], partner_id)
),

final as (
    select
        y.year,
        count(s.staff_key) filter (
            where s.started_on <= y.last_day and (s.ended_on is null or s.ended_on >= y.first_day)
        ) as staff,
        count(s.staff_key) filter (where s.started_on between y.first_day and y.last_day) as started,
        count(s.staff_key) filter (where s.ended_on between y.first_day and y.last_day) as left_staff,
        count(s.staff_key) filter (
            where s.started_on <= y.first_day and (s.ended_on is null or s.ended_on >= y.first_day)
        ) as on_first_day,
        count(s.staff_key) filter (
            where s.started_on <= y.first_day and (s.ended_on is null or s.ended_on >= y.last_day)
        ) as stayed
    from years as y
    left join chosen as s on true
    group by y.year
)

select * from final
order by year
