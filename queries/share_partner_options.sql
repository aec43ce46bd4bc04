-- The partners a director can put in a share link's scope, by name (and Chinese name, which
-- Chinese pages show).
with partners_source as (
    select partner_id, name, name_zh from partners
),

final as (
    select partner_id, name, name_zh from partners_source
)

select * from final
order by name
