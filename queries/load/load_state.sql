-- Loader: what the loader must still do, read from the current version before a load.
-- Grain: one row per key. Parameters: none.
select key, value
from load_state
