-- What the stored public reports were built from (impact.public.data_version): every load adds
-- a batch and every undo turns one from loaded to undone, so each changes one of these numbers,
-- and a stored report built before the change no longer matches.
with batch_counts as (
    select
        max(batch_id) as latest_batch,
        count(*) filter (where status = 'loaded') as loaded_batches,
        count(*) filter (where status = 'undone') as undone_batches
    from batches
),

final as (
    select
        coalesce(latest_batch, 0) as latest_batch,
        loaded_batches,
        undone_batches
    from batch_counts
)

select * from final
