import nodemailer from "npm:nodemailer@7";

// nodemailer over SMTP (node:net, node:dns, node:crypto, node:stream underneath) to a
// submission server on a permitted port, with AUTH, as a function sending a receipt does.
const server = new URL(Deno.env.get("SMTP_URL")!);

Deno.serve(async (req) => {
  const { to, name, password, port } = await req.json();
  const transport = nodemailer.createTransport({
    host: server.hostname,
    port: port ?? Number(server.port),
    secure: false,
    ignoreTLS: true,
    auth: { user: "robot", pass: password ?? Deno.env.get("SMTP_PASSWORD") },
    connectionTimeout: 5000,
  });
  try {
    const info = await transport.sendMail({
      from: '"Receipts" <receipts@example.com>',
      to,
      subject: `Thanks, ${name}`,
      text: `Hello ${name},\nyour order is on its way.\n.\nA line with a lone dot above.`,
      html: `<p>Hello <b>${name}</b></p>`,
      attachments: [{ filename: "order.json", content: JSON.stringify({ id: 42 }) }],
    });
    return Response.json({ accepted: info.accepted, rejected: info.rejected, response: info.response });
  } catch (error) {
    const e = error as { code?: string; responseCode?: number; message: string };
    return Response.json({ code: e.code, responseCode: e.responseCode ?? null }, { status: 502 });
  }
});
