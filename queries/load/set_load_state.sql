-- Loader: record something the loader must still do (see queries/schema/005_load_state.sql).
-- Grain: one row per key. Parameters: $key, $value.
insert or replace into load_state (key, value)
values ($key, $value)
