-- Each selected partner's focus areas, one row per partner and area (as stored: the ingest
-- engine writes the contract's names and keeps an unknown area as written). A partner
-- without focus areas has one row with none.
with chosen as (
    select partner_id, focus_areas
    from partners
    where $partners::varchar[] is null or list_contains($partners::varchar[], partner_id)
),

final as (
    select
        c.partner_id,
        f.focus_area
    from chosen as c
    left join (
        select partner_id, unnest(focus_areas) as focus_area from chosen
    ) as f using (partner_id)
)

select * from final
order by partner_id, focus_area
