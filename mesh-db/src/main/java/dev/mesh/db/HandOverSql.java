package dev.mesh.db;

/**
 * The SQL that finds a service's data in a database an older version made, and gives it to the
 * service's role. REASSIGN OWNED BY postgres cannot do it: the superuser initdb made also owns the
 * system's own objects, which PostgreSQL refuses to give away. So each object in the schemas the
 * service made (anything but {@code pg_*} and {@code information_schema}) is given by its own ALTER.
 */
final class HandOverSql {

  private static final String USER_SCHEMA =
      "n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'";

  /** One boolean: the database holds a relation (table, sequence, view, ...) a user made. */
  static final String ANY_USER_RELATION = "SELECT EXISTS (SELECT 1 FROM pg_class c"
      + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + USER_SCHEMA + ")";

  // Indexes and TOAST tables follow their table; a sequence made for a column (serial, identity)
  // follows its table and refuses an ALTER of its own, so only free-standing sequences are listed.
  private static final String TEMPLATE = """
      DO $hand_over$
      DECLARE
        target CONSTANT name := '{role}';
        superuser CONSTANT oid := 'postgres'::regrole;
        command text;
      BEGIN
        FOR command IN
          SELECT format('ALTER SCHEMA %I OWNER TO %I', n.nspname, target)
            FROM pg_namespace n WHERE n.nspowner = superuser AND {user_schema}
          UNION ALL
          SELECT format('ALTER %s %I.%I OWNER TO %I',
                   CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                     WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'c' THEN 'TYPE' WHEN 'S' THEN 'SEQUENCE'
                     ELSE 'TABLE' END,
                   n.nspname, c.relname, target)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relowner = superuser AND {user_schema} AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c', 'S')
              AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d
                WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')))
          UNION ALL
          SELECT format('ALTER ROUTINE %I.%I(%s) OWNER TO %I', n.nspname, p.proname,
                   pg_get_function_identity_arguments(p.oid), target)
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE p.proowner = superuser AND {user_schema}
          UNION ALL
          SELECT format('ALTER %s %I.%I OWNER TO %I', CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END,
                   n.nspname, t.typname, target)
            FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE t.typowner = superuser AND {user_schema} AND t.typtype IN ('e', 'r', 'd')
        LOOP
          EXECUTE command;
        END LOOP;
      END
      $hand_over$""";

  private HandOverSql() {
  }

  /** The statement that gives {@code role} (a plain name, see {@link ServiceAccount}) what the superuser owns. */
  static String handOverTo(String role) {
    return TEMPLATE.replace("{role}", role).replace("{user_schema}", USER_SCHEMA);
  }
}
