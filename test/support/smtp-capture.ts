import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  /** Envelope recipients, as the client gave them. */
  to: string[];
  subject: string;
  /** The text/plain part, decoded. */
  text: string;
  /** The whole message as received. */
  raw: string;
}

/**
 * A real SMTP server in the test process (127.0.0.1, random port, no auth, no TLS) that keeps
 * every mail it receives. Point the app at it with `SMTP_URL: (await capture.start()).url`.
 * A mail is stored before the server acknowledges it, so once the app's send has resolved,
 * `messages` and `latestCodeFor` already see it; use `waitFor` when the send is not awaited.
 */
export class SmtpCapture {
  readonly messages: CapturedMail[] = [];
  private readonly waiters = new Set<(mail: CapturedMail) => void>();
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    // The client is always 127.0.0.1; a reverse DNS lookup would only slow every mail down.
    disableReverseLookup: true,
    logger: false,
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((recipient) => recipient.address);
        this.receive(parseMail(to, Buffer.concat(chunks).toString('utf8')));
        callback();
      });
    },
  });

  constructor() {
    // A client dropping its connection must not crash the test run; the test sees no mail.
    this.server.on('error', () => undefined);
  }

  async start(): Promise<{ url: string }> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const { port } = this.server.server.address() as AddressInfo;
    return { url: `smtp://127.0.0.1:${port}` };
  }

  /** Resolves to the first mail, already received or still to come, that matches. */
  waitFor(predicate: (mail: CapturedMail) => boolean, timeoutMs = 5_000): Promise<CapturedMail> {
    const found = this.messages.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = (mail: CapturedMail) => {
        if (!predicate(mail)) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(mail);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const seen = this.messages.map((mail) => `${mail.to.join(',')}: ${mail.subject}`);
        reject(
          new Error(`No matching mail within ${timeoutMs} ms; received: [${seen.join('; ')}]`),
        );
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** The 6-digit code in the latest mail to `address` (case-insensitive); throws if there is none. */
  latestCodeFor(address: string): string {
    const wanted = address.toLowerCase();
    const mail = this.messages.findLast((m) => m.to.some((to) => to.toLowerCase() === wanted));
    if (!mail) throw new Error(`No mail to ${address}`);
    const code = /\b\d{6}\b/.exec(mail.text)?.[0];
    if (!code) throw new Error(`The latest mail to ${address} ("${mail.subject}") has no code`);
    return code;
  }

  clear(): void {
    this.messages.length = 0;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private receive(mail: CapturedMail): void {
    this.messages.push(mail);
    for (const waiter of [...this.waiters]) waiter(mail);
  }
}

// A small MIME reader: enough for what nodemailer writes (multipart, quoted-printable or
// base64 bodies, encoded-word subjects), not a general mail parser.

interface Part {
  headers: Map<string, string>;
  body: string;
}

function parseMail(to: string[], raw: string): CapturedMail {
  const root = parsePart(raw.replace(/\r\n/g, '\n'));
  const textPart = findPart(root, 'text/plain');
  return {
    to,
    subject: decodeWords(root.headers.get('subject') ?? ''),
    text: textPart ? decodeBody(textPart) : '',
    raw,
  };
}

function parsePart(source: string): Part {
  const split = source.indexOf('\n\n');
  const head = split < 0 ? source : source.slice(0, split);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: split < 0 ? '' : source.slice(split + 2) };
}

function findPart(part: Part, type: string): Part | undefined {
  const contentType = part.headers.get('content-type') ?? 'text/plain';
  if (contentType.toLowerCase().startsWith(type)) return part;
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) return undefined;
  const children = part.body.split(`--${boundary}`).slice(1, -1);
  for (const child of children) {
    const found = findPart(parsePart(child.replace(/^\n/, '')), type);
    if (found) return found;
  }
  return undefined;
}

function decodeBody(part: Part): string {
  const encoding = (part.headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (encoding === 'base64') return Buffer.from(part.body, 'base64').toString('utf8').trim();
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(part.body).trim();
  return part.body.trim();
}

function decodeQuotedPrintable(text: string): string {
  const bytes = text
    .replace(/=\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** RFC 2047 `=?utf-8?Q?…?=` / `=?utf-8?B?…?=`; whitespace between encoded words is dropped. */
function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?[^?]+\?([QB])\?([^?]*)\?=/gi, (_, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
}
