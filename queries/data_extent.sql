-- What the store holds: the date span of its data and whether it is demo data.
with activity as (
    select engaged_on as day from engagements
    union all
    select event_date from events
),

final as (
    select
        min(day) as first_day,
        max(day) as last_day,
        exists (select 1 from batches where loaded_by = 'demo' and status = 'loaded') as is_demo,
        (select max(loaded_at) from batches where status = 'loaded') as last_upload
    from activity
)

select * from final
