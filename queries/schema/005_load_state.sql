-- What the loader must still do, kept with the version. key 'derive_pending': a long load published an
-- intermediate version (only 待核实 recomputed) and was stopped before its last version recomputed every
-- derived table; the next load, correction or rederive recomputes them (even a load with nothing new).
create table if not exists load_state (
    key   varchar primary key,
    value varchar
);
