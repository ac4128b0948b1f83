-- Loader: forget something done (every derived table recomputed clears 'derive_pending').
-- Grain: the row of $key, if any. Parameters: $key.
delete from load_state
where key = $key
