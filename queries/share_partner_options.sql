-- The partners a director can put in a share link's scope, by name.
with partners_source as (
    select partner_id, name from partners
),

final as (
    select partner_id, name from partners_source
)

select * from final
order by name
