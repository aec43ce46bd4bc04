-- The milestones of the period that concern the chosen partners: those that name one of them,
-- and those that name no partner (the whole coalition's). Staff pages only: the description and
-- milestones that are not public never leave the dashboards (public_milestones.sql is the
-- public page's).
with milestones_in_period as (
    select *
    from milestones
    where
        date between $start::date and $end::date
        and (
            $partners::varchar[] is null
            or coalesce(len(partner_ids), 0) = 0
            or list_has_any($partners::varchar[], partner_ids)
        )
),

final as (
    select
        milestone_id,
        date,
        date_trunc('month', date)::date as month,
        title,
        kind,
        partner_ids,
        description,
        public
    from milestones_in_period
)

select * from final
order by date, milestone_id
