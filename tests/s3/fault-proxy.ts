// A small HTTP proxy on 127.0.0.1 in front of the S3 gateway that makes the
// failures a real S3 service has now and then: 503 SlowDown, 500
// InternalError, a connection dropped without an answer, a request body
// changed on the way (one byte flipped, so the server's Content-MD5 check
// refuses it). A fault lasts for the next `count` requests (Infinity: until
// cleared); everything else passes through untouched, Host header
// included, so the client's signatures stay valid.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { spawn } from 'node:child_process';
import { after } from 'node:test';
import { BIN } from '../helpers/cli.js';
import { describeS3, type S3Server } from '../helpers/s3.js';

export type ProxyFault = 'slowdown' | 'internal' | 'drop' | 'corrupt';

const ERRORS: Record<'slowdown' | 'internal', [number, string]> = {
  slowdown: [503, 'SlowDown'],
  internal: [500, 'InternalError'],
};

async function body(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of req) parts.push(p as Buffer);
  return Buffer.concat(parts);
}

export class FaultProxy {
  private fault: ProxyFault | undefined;
  private remaining = 0;
  /** Every request seen: method and path with query (e.g. "GET /bucket?list-type=2..."). */
  readonly seen: string[] = [];
  /** Called with each request as it arrives, before it is answered (a test kills a process at a chosen request so). */
  onRequest: ((request: string) => void) | undefined;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(target: string): Promise<FaultProxy> {
    const up = new URL(target);
    let proxy: FaultProxy | undefined;
    const server = createServer((req, res) => {
      void (async () => {
        const data = await body(req);
        proxy!.seen.push(`${req.method} ${req.url}`);
        proxy!.onRequest?.(`${req.method} ${req.url}`);
        const fault = proxy!.take();
        if (fault === 'drop') {
          req.socket.destroy();
          return;
        }
        if (fault === 'slowdown' || fault === 'internal') {
          const [status, code] = ERRORS[fault];
          res.writeHead(status, { 'content-type': 'application/xml', connection: 'close' });
          res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>injected by the test proxy</Message></Error>`);
          return;
        }
        const sent = Buffer.from(data);
        if (fault === 'corrupt' && sent.length > 0) sent[sent.length >> 1] = sent[sent.length >> 1]! ^ 0xff;
        const out = request({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        out.on('error', () => req.socket.destroy());
        out.end(sent);
      })();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address() as { port: number };
    proxy = new FaultProxy(server, `http://127.0.0.1:${addr.port}`);
    return proxy;
  }

  /** The next `count` requests meet `fault`. */
  inject(fault: ProxyFault, count = Infinity): void {
    this.fault = fault;
    this.remaining = count;
  }

  clear(): void {
    this.fault = undefined;
    this.remaining = 0;
  }

  private take(): ProxyFault | undefined {
    if (!this.fault || this.remaining <= 0) return undefined;
    this.remaining--;
    return this.fault;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** describeS3 with a fault proxy in front of the gateway: `started` gets both once they are up; the proxy is closed after the file's tests. */
export function describeS3Proxied(name: string, started: (server: S3Server, proxy: FaultProxy) => void, body: () => void): void {
  let proxy: FaultProxy | undefined;
  const start = async (server: S3Server) => {
    proxy = await FaultProxy.start(server.endpoint);
    started(server, proxy);
  };
  describeS3(name, { started: start }, () => {
    after(async () => {
      await proxy?.close();
    });
    body();
  });
}

/** Runs `casevault args` and kills it (SIGKILL) as `proxy` sees its `nth` upload (not after a guessed delay); whether it was killed before it finished. */
export function killAtUpload(proxy: FaultProxy, args: string[], env: Record<string, string>, nth: number): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' });
    let puts = 0;
    proxy.onRequest = (r) => {
      if (r.startsWith('PUT ') && ++puts === nth) child.kill('SIGKILL');
    };
    child.on('close', (code, signal) => {
      proxy.onRequest = undefined;
      resolve(signal === 'SIGKILL' && code === null);
    });
  });
}
