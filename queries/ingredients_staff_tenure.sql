-- How long the selected partners' staff at work on the period's last day had been with their
-- partner, in bands of whole years since they started.
with at_end as (
    select date_diff('day', started_on, $end::date) / 365.25 as years
    from staff
    where started_on <= $end::date
        and (ended_on is null or ended_on >= $end::date)
        and ($partners::varchar[] is null or list_contains($partners::varchar[], partner_id))
),

banded as (
    select
        case
            when years < 1 then 1
            when years < 2 then 2
            when years < 5 then 3
            when years < 10 then 4
            else 5
        end as band
    from at_end
),

bands as (
    select * from (values (1, 'under_1'), (2, '1_to_2'), (3, '2_to_5'), (4, '5_to_10'), (5, '10_or_more'))
        as b (band, tenure)
),

final as (
    select
        b.band,
        b.tenure,
        count(s.band) as staff
    from bands as b
    left join banded as s using (band)
    group by all
)

select * from final
order by band
