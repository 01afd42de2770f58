import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MainProcess } from './support/run-main';

const ROOT = join(__dirname, '..');

// Starts src/main.ts in a child process: seconds, more on a busy machine.
jest.setTimeout(90_000);

/**
 * Whether loading src/tracing with this environment brings in OpenTelemetry's SDK, exporter or
 * instrumentation (its no-op API is prom-client's dependency, loaded either way).
 */
function loadsOpenTelemetry(env: Record<string, string>): boolean {
  const script =
    "require('./src/tracing/tracing').startTracing();" +
    'console.log(Object.keys(require.cache).some((file) => /@opentelemetry[\\\\/](sdk|exporter|instrumentation)/.test(file)))';
  const output = execFileSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', '-e', script],
    { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' },
  );
  return output.trim() === 'true';
}

describe('Tracing (OpenTelemetry over OTLP)', () => {
  it('loads no OpenTelemetry SDK, exporter or instrumentation unless OTEL_EXPORTER_OTLP_ENDPOINT is set', () => {
    expect(loadsOpenTelemetry({})).toBe(false);
    expect(loadsOpenTelemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' })).toBe(true);
  });

  it('exports a span per request, named by its route pattern, with the request id', async () => {
    const received: string[] = [];
    const collector: Server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        if (request.url === '/v1/traces') received.push(body);
        response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as AddressInfo;
    const main = new MainProcess({
      GATEKEEPER_VAR_DIR: mkdtempSync(join(tmpdir(), 'gatekeeper-trace-')),
      PORT: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    try {
      const [, base] = await main.waitForOutput(/Listening on (http:\/\/localhost:\d+)/);
      const answer = await fetch(`${base}/api/health/live`, {
        headers: { 'X-Request-Id': 'traced-request-1' },
      });
      expect(answer.status).toBe(200);
      const deadline = Date.now() + 20_000;
      while (!received.some((body) => body.includes('traced-request-1')) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const spans = received
        .flatMap((body) => (JSON.parse(body) as ExportRequest).resourceSpans)
        .flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
      const span = spans.find((candidate) =>
        candidate.attributes.some(
          (attribute) => attribute.value.stringValue === 'traced-request-1',
        ),
      );
      expect(span?.name).toBe('GET /api/health/live');
      expect(span?.attributes).toEqual(
        expect.arrayContaining([
          { key: 'gatekeeper.request_id', value: { stringValue: 'traced-request-1' } },
          { key: 'http.route', value: { stringValue: '/api/health/live' } },
        ]),
      );
    } finally {
      main.signal('SIGTERM');
      await main.exited;
      await new Promise((resolve) => collector.close(resolve));
    }
  });
});

interface ExportRequest {
  resourceSpans: {
    scopeSpans: {
      spans: {
        name: string;
        attributes: { key: string; value: { stringValue?: string } }[];
      }[];
    }[];
  }[];
}
