-- Every partner's names: the name people read is chosen per language by labels.partner_name
-- (name_zh on Chinese pages, where the partners file gave one), so results that name a partner
-- stay the same in every language and are cached once.
with partners_source as (
    select partner_id, name, name_zh from partners
),

final as (
    select partner_id, name, name_zh from partners_source
)

select * from final
order by partner_id
