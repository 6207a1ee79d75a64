/**
 * A test SMTP server on loopback: speaks enough of RFC 5321 for the notifications client, keeps
 * each message (envelope and decoded body), and can refuse recipients to test permanent failures.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A received message. */
export interface SunkMail {
  readonly from: string;
  readonly to: string;
  readonly headers: Record<string, string>;
  readonly subject: string;
  readonly text: string;
}

/** A running sink. */
export interface SmtpSink {
  readonly port: number;
  readonly mails: SunkMail[];
  /** RCPT TO addresses answered with 550. */
  readonly refuse: Set<string>;
  close(): Promise<void>;
}

function decodeSubject(s: string): string {
  const m = /^=\?UTF-8\?B\?(.*)\?=$/.exec(s);
  return m ? Buffer.from(m[1]!, 'base64').toString('utf8') : s;
}

function parse(from: string, to: string, data: string): SunkMail {
  const unstuffed = data.replace(/^\.\./gm, '.');
  const [head = '', ...rest] = unstuffed.split('\r\n\r\n');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  const body = rest.join('\r\n\r\n');
  const text = headers['content-transfer-encoding'] === 'base64' ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : body;
  return { from, to, headers, subject: decodeSubject(headers.subject ?? ''), text: text.replace(/\r\n/g, '\n') };
}

function session(socket: Socket, sink: { mails: SunkMail[]; refuse: Set<string> }): void {
  let buffer = '';
  let from = '';
  let to = '';
  let data: string[] | undefined;
  socket.setEncoding('utf8');
  socket.write('220 sink ESMTP\r\n');
  socket.on('error', () => {});
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let i;
    while ((i = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      if (data) {
        if (line === '.') {
          sink.mails.push(parse(from, to, data.join('\r\n')));
          data = undefined;
          socket.write('250 queued\r\n');
        } else data.push(line);
        continue;
      }
      const cmd = line.slice(0, 4).toUpperCase();
      if (cmd === 'EHLO') socket.write('250-sink\r\n250 8BITMIME\r\n');
      else if (cmd === 'MAIL') {
        from = /<(.*)>/.exec(line)?.[1] ?? '';
        socket.write('250 ok\r\n');
      } else if (cmd === 'RCPT') {
        to = /<(.*)>/.exec(line)?.[1] ?? '';
        socket.write(sink.refuse.has(to) ? '550 no such user\r\n' : '250 ok\r\n');
      } else if (cmd === 'DATA') {
        data = [];
        socket.write('354 go on\r\n');
      } else if (cmd === 'QUIT') {
        socket.end('221 bye\r\n');
      } else socket.write('502 not implemented\r\n');
    }
  });
}

/** Starts a sink on a free loopback port. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const state = { mails: [] as SunkMail[], refuse: new Set<string>() };
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    session(socket, state);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    ...state,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
