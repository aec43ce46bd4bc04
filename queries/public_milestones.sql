-- The milestones marked public, in the period: their date, title and kind only (the public impact
-- page's). Staff wrote the titles for the public; the description and partners stay inside.
-- With a partner filter (a share link's partners), only the coalition's own milestones (no
-- partner named) and those whose every partner is in the filter: a title can name a partner,
-- and a link names no partner outside its scope.
with params as (
    select $partners::varchar[] as partners
),

public_milestones as (
    select m.date, m.title, m.kind
    from milestones as m, params as p
    where
        m.public
        and m.date between $start::date and $end::date
        and (p.partners is null or coalesce(len(m.partner_ids), 0) = 0 or list_has_all(p.partners, m.partner_ids))
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
