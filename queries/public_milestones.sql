-- The milestones marked public, in the period: their date, title and kind only (the public impact
-- page's). Staff wrote the titles for the public; the description and partners stay inside.
with public_milestones as (
    select date, title, kind
    from milestones
    where public and date between $start::date and $end::date
),

final as (
    select
        date,
        title,
        kind
    from public_milestones
)

select * from final
order by date, title
