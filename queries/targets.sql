-- The targets in force: a save on the Goals page supersedes the targets before it, which stay
-- in the table (superseded_by) so that undoing the save brings them back. A target without a
-- partner is the whole coalition's.
with current_targets as (
    select *
    from targets
    where superseded_by is null
),

final as (
    select
        t.metric,
        t.period_start,
        t.period_end,
        t.target,
        t.partner_id,
        p.name as partner_name,
        t.label,
        t.batch_id
    from current_targets as t
    left join partners as p on p.partner_id = t.partner_id
)

select * from final
order by period_start, metric, partner_id nulls first, period_end
