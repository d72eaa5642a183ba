// npm:pg (node-postgres) over node:net and node:tls: the step named in the request, on a
// client made for it ({ db: {host, port, user, password, database, ca?}, ... }).
import pg from "npm:pg@8";

type Db = {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  ca?: string;
  cert?: string; // a client certificate (PEM) and its key, for "cert" authentication
  key?: string;
  sslmode?: string;
};

function config(db: Db) {
  // A connection string with sslmode, as users write them ("no-verify": TLS, any
  // certificate; "verify-full": the system's CAs only).
  if (db.sslmode) {
    return {
      connectionString:
        `postgres://${db.user}:${db.password}@${db.host}:${db.port}/${db.database}?sslmode=${db.sslmode}`,
    };
  }
  return {
    host: db.host,
    port: db.port,
    user: db.user,
    password: db.password,
    database: db.database,
    ssl: db.ca ? { ca: db.ca, ...(db.cert ? { cert: db.cert, key: db.key } : {}) } : false,
  };
}

Deno.serve(async (request) => {
  const { step, db, table, name, n }: { step: string; db: Db; table: string; name: string; n: number } =
    await request.json();
  const client = new pg.Client(config(db));
  try {
    await client.connect();
    switch (step) {
      case "create":
        await client.query(`drop table if exists ${table}`);
        await client.query(`create table ${table} (id serial primary key, name text not null, n int not null)`);
        return Response.json({ ok: true });
      case "insert": {
        // A named prepared statement with parameters.
        const result = await client.query({
          name: "insert-row",
          text: `insert into ${table} (name, n) values ($1, $2) returning id`,
          values: [name, n],
        });
        return Response.json({ id: result.rows[0].id });
      }
      case "select": {
        const result = await client.query(`select name, n from ${table} where n >= $1 order by id`, [0]);
        return Response.json({ rows: result.rows });
      }
      case "transaction": {
        await client.query("begin");
        await client.query(`insert into ${table} (name, n) values ($1, $2)`, ["kept-1", 10]);
        await client.query(`insert into ${table} (name, n) values ($1, $2)`, ["kept-2", 20]);
        await client.query("commit");
        await client.query("begin");
        await client.query(`insert into ${table} (name, n) values ($1, $2)`, ["dropped", 30]);
        await client.query("rollback");
        const result = await client.query(`select count(*)::int as count from ${table}`);
        return Response.json({ count: result.rows[0].count, rolledBack: "undo" });
      }
      case "concurrent": {
        // Ten queries at once through a pool of three connections.
        const pool = new pg.Pool({ ...config(db), max: 3 });
        try {
          const results = await Promise.all(
            Array.from({ length: 10 }, (_, i) => pool.query("select $1::int as n, pg_sleep(0.05)::text as slept", [i])),
          );
          return Response.json({ ns: results.map((r) => r.rows[0].n) });
        } finally {
          await pool.end();
        }
      }
      case "tls": {
        const result = await client.query("select ssl from pg_stat_ssl where pid = pg_backend_pid()");
        return Response.json({ ssl: result.rows[0].ssl });
      }
      default:
        return Response.json({ error: `unknown step ${step}` }, { status: 400 });
    }
  } catch (error) {
    const e = error as Error & { code?: string };
    return Response.json({ error: e.message, code: e.code ?? null }, { status: 500 });
  } finally {
    await client.end().catch(() => {});
  }
});
