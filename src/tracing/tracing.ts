import type { IncomingMessage } from 'node:http';
import { REQUEST_ID_HEADER, routePatternOf } from 'src/common/http/request-id';

export interface Tracing {
  /** Sends the spans still waiting, then stops. */
  shutdown(): Promise<void>;
}

/**
 * OpenTelemetry traces over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set (the exporter reads
 * it and the other OTEL_* variables itself); when it is not, no OpenTelemetry SDK, exporter or
 * instrumentation is loaded.
 * Each server span is named by its route pattern and carries the request's id. main.ts starts
 * this before anything requires `http`, which the instrumentation has to wrap first.
 */
export function startTracing(env: NodeJS.ProcessEnv = process.env): Tracing | undefined {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim()) return undefined;
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only when configured */
  const { NodeTracerProvider, BatchSpanProcessor } =
    require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { registerInstrumentations } =
    require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const { HttpInstrumentation } =
    require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { resourceFromAttributes } =
    require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  /* eslint-enable @typescript-eslint/no-require-imports */

  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? 'gatekeeper' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register();
  registerInstrumentations({
    instrumentations: [
      new HttpInstrumentation({
        applyCustomAttributesOnSpan: (span, request, response) => {
          if (!('getHeader' in response)) return; // a client span: nothing of ours to add
          const requestId = response.getHeader(REQUEST_ID_HEADER);
          if (typeof requestId === 'string') span.setAttribute('gatekeeper.request_id', requestId);
          // Express has set `route` (and `baseUrl`) on the request by the time it is answered.
          const served = request as IncomingMessage & Parameters<typeof routePatternOf>[0];
          const route = routePatternOf(served);
          if (route) {
            span.setAttribute('http.route', route);
            span.updateName(`${served.method} ${route}`);
          }
        },
      }),
    ],
  });
  return provider;
}
