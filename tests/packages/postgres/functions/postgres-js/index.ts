// npm:postgres (porsager) over node:net and node:tls: the step named in the request,
// on a connection made for it ({ db: {host, port, user, password, database, ca?}, ... }).
import postgres from "npm:postgres@3";

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

function connect(db: Db) {
  // A connection string with sslmode, as users write them ("require": TLS, any certificate).
  if (db.sslmode) {
    const url = `postgres://${db.user}:${db.password}@${db.host}:${db.port}/${db.database}?sslmode=${db.sslmode}`;
    return postgres(url, { max: 1, onnotice: () => {} });
  }
  return postgres({
    host: db.host,
    port: db.port,
    user: db.user,
    password: db.password,
    database: db.database,
    ssl: db.ca ? { ca: db.ca, ...(db.cert ? { cert: db.cert, key: db.key } : {}) } : false,
    max: 3, // "concurrent" spreads its queries over three connections
    onnotice: () => {},
  });
}

Deno.serve(async (request) => {
  const { step, db, table, name, n } = await request.json();
  const sql = connect(db);
  try {
    switch (step) {
      case "create":
        await sql`drop table if exists ${sql(table)}`;
        await sql`create table ${sql(table)} (id serial primary key, name text not null, n int not null)`;
        return Response.json({ ok: true });
      case "insert": {
        // A parameterized statement, prepared by postgres.js (its default).
        const [row] = await sql`insert into ${sql(table)} (name, n) values (${name}, ${n}) returning id`;
        return Response.json({ id: row.id });
      }
      case "select": {
        const rows = await sql`select name, n from ${sql(table)} where n >= ${0} order by id`;
        return Response.json({ rows: rows.map((r) => ({ name: r.name, n: r.n })) });
      }
      case "transaction": {
        await sql.begin(async (tx) => {
          await tx`insert into ${sql(table)} (name, n) values (${"kept-1"}, ${10})`;
          await tx`insert into ${sql(table)} (name, n) values (${"kept-2"}, ${20})`;
        });
        let rolledBack = "";
        try {
          await sql.begin(async (tx) => {
            await tx`insert into ${sql(table)} (name, n) values (${"dropped"}, ${30})`;
            throw new Error("undo");
          });
        } catch (error) {
          rolledBack = (error as Error).message;
        }
        const [{ count }] = await sql`select count(*)::int as count from ${sql(table)}`;
        return Response.json({ count, rolledBack });
      }
      case "concurrent": {
        // Ten queries at once, each waiting a little on the server.
        const rows = await Promise.all(
          Array.from({ length: 10 }, (_, i) => sql`select ${i}::int as n, pg_sleep(0.05)::text as slept`),
        );
        return Response.json({ ns: rows.map(([row]) => row.n) });
      }
      case "tls": {
        const [row] = await sql`select ssl from pg_stat_ssl where pid = pg_backend_pid()`;
        return Response.json({ ssl: row.ssl });
      }
      default:
        return Response.json({ error: `unknown step ${step}` }, { status: 400 });
    }
  } catch (error) {
    const e = error as Error & { code?: string };
    return Response.json({ error: e.message, code: e.code ?? null }, { status: 500 });
  } finally {
    await sql.end({ timeout: 5 });
  }
});
