/**
 * A minimal SMTP client (RFC 5321) over node:net, enough to hand a plain-text UTF-8 message to a
 * relay on the private network: EHLO, MAIL FROM, RCPT TO, DATA, QUIT. No TLS and no AUTH — the
 * relay (a cluster-local MTA or the provider's SMTP endpoint behind a sidecar) is trusted by network
 * policy. nodemailer is not a dependency; this is the smallest thing that speaks the protocol.
 */
import { connect, type Socket } from 'node:net';
import { randomUUID } from 'node:crypto';

/** Where and how to connect. */
export interface SmtpOptions {
  readonly host: string;
  readonly port: number;
  /** Name given in EHLO. */
  readonly helo: string;
  readonly timeoutMs?: number;
}

/** A message. */
export interface SmtpMessage {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly messageId?: string;
}

/** An SMTP reply that was not the expected one; `permanent` for 5xx. */
export class SmtpError extends Error {
  readonly code: number;
  readonly permanent: boolean;
  constructor(stage: string, code: number, text: string) {
    super(`SMTP ${stage}: ${code} ${text.slice(0, 200)}`);
    this.name = 'SmtpError';
    this.code = code;
    this.permanent = code >= 500;
  }
}

const ADDRESS = /^[^\s<>@]+@[^\s<>@]+$/;

function encodeHeader(text: string): string {
  // RFC 2047 encoded-word for non-ASCII subjects (ç, ã ... in pt-BR).
  const plain = text.replace(/[\r\n]+/g, ' ');
  return /^[\x20-\x7e]*$/.test(plain) ? plain : `=?UTF-8?B?${Buffer.from(plain).toString('base64')}?=`;
}

/** Builds the DATA part: headers, a base64 UTF-8 body in 76-column lines, dot-stuffed. */
export function buildMessage(m: SmtpMessage, date = new Date()): string {
  const body = Buffer.from(m.text.replace(/\r?\n/g, '\r\n')).toString('base64').replace(/.{1,76}/g, '$&\r\n');
  const lines = [
    `From: ${m.from}`,
    `To: ${m.to}`,
    `Subject: ${encodeHeader(m.subject)}`,
    `Date: ${date.toUTCString()}`,
    `Message-ID: <${m.messageId ?? randomUUID()}@${m.from.split('@')[1] ?? 'vitrine'}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    body,
  ].join('\r\n');
  return lines.replace(/^\./gm, '..');
}

/** Reads SMTP replies (multi-line `250-...` until `250 ...`) from a socket. */
class ReplyReader {
  private buffer = '';
  private lines: string[] = [];
  private waiter: (() => void) | undefined;
  private failure: Error | undefined;

  constructor(socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let i;
      while ((i = this.buffer.indexOf('\r\n')) >= 0) {
        this.lines.push(this.buffer.slice(0, i));
        this.buffer = this.buffer.slice(i + 2);
      }
      this.wake();
    });
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('SMTP connection closed')));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  async reply(): Promise<{ code: number; text: string }> {
    const collected: string[] = [];
    for (;;) {
      const line = this.lines.shift();
      if (line === undefined) {
        if (this.failure) throw this.failure;
        await new Promise<void>((r) => (this.waiter = r));
        continue;
      }
      collected.push(line.slice(4));
      if (line.length < 4 || line[3] !== '-') return { code: Number(line.slice(0, 3)), text: collected.join(' ') };
    }
  }
}

/** Sends one message; resolves when the server accepted it (250 after DATA). */
export async function sendMail(options: SmtpOptions, m: SmtpMessage): Promise<void> {
  if (!ADDRESS.test(m.from) || !ADDRESS.test(m.to)) throw new SmtpError('address', 553, 'bad address');
  const socket = connect({ host: options.host, port: options.port });
  socket.setTimeout(options.timeoutMs ?? 10_000, () => socket.destroy(new Error('SMTP timeout')));
  const reader = new ReplyReader(socket);
  const expect = async (stage: string, ok: number[]) => {
    const r = await reader.reply();
    if (!ok.includes(r.code)) throw new SmtpError(stage, r.code, r.text);
  };
  const command = async (stage: string, line: string, ok: number[]) => {
    socket.write(`${line}\r\n`);
    await expect(stage, ok);
  };
  try {
    await expect('greeting', [220]);
    await command('EHLO', `EHLO ${options.helo}`, [250]);
    await command('MAIL FROM', `MAIL FROM:<${m.from}>`, [250]);
    await command('RCPT TO', `RCPT TO:<${m.to}>`, [250, 251]);
    await command('DATA', 'DATA', [354]);
    await command('end of data', `${buildMessage(m)}\r\n.`, [250]);
    socket.write('QUIT\r\n');
  } finally {
    socket.end();
  }
}
