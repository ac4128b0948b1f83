-- Loader: remove a failed file's row before it is loaded again (a loaded file is never reloaded).
-- Grain: the one reports row of $content_hash. Parameters: $content_hash.
delete from reports
where content_hash = $content_hash
