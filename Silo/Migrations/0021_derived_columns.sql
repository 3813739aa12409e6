-- The columns that lists, filters and reports read were generated from each table's jsonb state
-- (GENERATED ALWAYS AS (...) STORED). PostgreSQL 15 builds every generated expression of a table afresh at the
-- start of each statement that writes it, and calls m3_utc, a SQL function it cannot inline there, by planning
-- its body again each time: in a profile of PATCH /leads/{id} that was a fifth of the database's CPU. Now each
-- table has a BEFORE INSERT OR UPDATE trigger that computes the same expressions (PL/pgSQL compiles it once per
-- session), and the columns are plain ones that keep their values and indexes. Measured with pgbench on a lead's
-- write (state, event and audit row in one statement, 8 clients): 2,120 -> 2,600 transactions per second.

-- What each derived column is computed from: an expression over the row's `state`.
CREATE TABLE m3_derived_columns (
    table_name  text NOT NULL,
    column_name text NOT NULL,
    expression  text NOT NULL,
    PRIMARY KEY (table_name, column_name)
);

-- Takes over the table's stored generated columns (a later migration may still add one, then call this) and
-- (re)writes the table's trigger from every derived column it has. An expression may read `state` only.
CREATE PROCEDURE m3_derive_from_state(target regclass)
    LANGUAGE plpgsql AS $procedure$
DECLARE
    target_name text := (SELECT relname FROM pg_class WHERE oid = target);
    generated record;
    assignments text := '';
BEGIN
    FOR generated IN
        SELECT a.attname, a.attnum, d.oid AS default_id, pg_get_expr(d.adbin, d.adrelid) AS expression
        FROM pg_attribute a
        JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = target AND a.attgenerated = 's' AND NOT a.attisdropped
    LOOP
        IF EXISTS (
            SELECT 1
            FROM pg_depend dependency
            JOIN pg_attribute referenced ON referenced.attrelid = dependency.refobjid AND referenced.attnum = dependency.refobjsubid
            WHERE dependency.classid = 'pg_attrdef'::regclass AND dependency.objid = generated.default_id
              AND dependency.refobjid = target AND referenced.attname NOT IN ('state', generated.attname)) THEN
            RAISE EXCEPTION '%.% is generated from more than state; derive it by hand', target_name, generated.attname;
        END IF;

        INSERT INTO m3_derived_columns AS c (table_name, column_name, expression)
        VALUES (target_name, generated.attname, generated.expression)
        ON CONFLICT ON CONSTRAINT m3_derived_columns_pkey DO UPDATE SET expression = excluded.expression;
        EXECUTE format('ALTER TABLE %s ALTER COLUMN %I DROP EXPRESSION', target, generated.attname);
    END LOOP;

    SELECT string_agg(format(E'    NEW.%I := %s;\n', c.column_name, c.expression), '' ORDER BY c.column_name)
    INTO assignments
    FROM m3_derived_columns c
    WHERE c.table_name = target_name;

    -- The local variable `state` is what the expressions name; PL/pgSQL evaluates each as a cached simple expression.
    EXECUTE format($function$CREATE OR REPLACE FUNCTION %I() RETURNS trigger LANGUAGE plpgsql AS $body$
DECLARE
    state jsonb := NEW.state;
BEGIN
%s    RETURN NEW;
END
$body$$function$, 'm3_derive_' || target_name, assignments);
    EXECUTE format('CREATE OR REPLACE TRIGGER m3_derive BEFORE INSERT OR UPDATE ON %s FOR EACH ROW EXECUTE FUNCTION %I()',
        target, 'm3_derive_' || target_name);
END
$procedure$;

DO $$
DECLARE
    target regclass;
BEGIN
    FOR target IN
        SELECT DISTINCT a.attrelid::regclass
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        WHERE a.attgenerated = 's' AND c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace
    LOOP
        CALL m3_derive_from_state(target);
    END LOOP;
END
$$;

-- No generated column reads m3_utc any more, so it can say what it is: a text-to-timestamp cast depends on the
-- session's DateStyle, which makes it STABLE, and a STABLE SQL function is inlined into the triggers' expressions.
CREATE OR REPLACE FUNCTION m3_utc(text) RETURNS timestamptz
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN ($1::timestamp AT TIME ZONE 'UTC');
