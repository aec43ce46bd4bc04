-- The upload ledger, newest first, with what each batch still holds.
with batches_source as (
    select * from batches
),

final as (
    select
        batch_id,
        kind,
        file_name,
        sheet,
        row_count,
        loaded_by,
        loaded_at,
        status,
        undone_at,
        undone_by,
        encoding,
        delimiter,
        warning_count,
        sha256
    from batches_source
)

select * from final
order by batch_id desc
