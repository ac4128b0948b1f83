-- Loader: one file offered to the loader, loaded or failed with its error, and who loaded it.
-- Grain: one row per content hash. Parameters: $content_hash, $file_path, $file_name, $format,
-- $size_bytes, $ingested_at, $status, $error, $warnings, $n_records, $loaded_by.
insert into reports (content_hash, file_path, file_name, format, size_bytes, ingested_at, status, error, warnings,
                     n_records, loaded_by)
values ($content_hash, $file_path, $file_name, $format, $size_bytes, $ingested_at, $status, $error, $warnings,
        $n_records, $loaded_by)
