-- Which storage generation of each projection queries read, and which one is being built.
-- A generation's read models live in tables of their own (view_<name>_g<generation>…), so a
-- rebuild fills a new generation while queries keep reading the active one, and the switch is
-- this row changing in one transaction.
CREATE TABLE IF NOT EXISTS projections (
  name                text        PRIMARY KEY,
  active_generation   integer,
  active_version      integer,
  building_generation integer,
  building_version    integer,
  -- The last generation number handed out, so a new one never reuses an old one's tables.
  last_generation     integer     NOT NULL DEFAULT 0,
  updated_at          timestamptz NOT NULL DEFAULT now()
);
