import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Application, RequestHandler } from 'express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { documentMethodRoutes, methodRouteModels } from './auth/two-factor-routes.openapi';
import { ErrorBodyDto } from './common/errors/error-body.dto';
import { documentErrors } from './common/errors/openapi-errors';
import helmet from 'helmet';
import { bodyParsers } from './common/http/body-parsing';
import { storeNothing } from './common/http/caching';
import { answerClientErrors, limitSlowClients } from './common/http/client-errors';
import { AllExceptionsFilter, BROWSER_ERROR_PAGES } from './common/errors/all-exceptions.filter';
import { createValidationPipe } from './common/http/validation';
import type { AppConfig } from './config/app-config';
import { AppLogger } from './logging/app-logger';
import { REQUEST_LOGGING } from './logging/logging.module';
import { MetricsService } from './metrics/metrics.service';
import { FactorRegistry } from './two-factor/factor-registry';

/** Everything main.ts and the end-to-end tests share, so tests drive the app as it runs. */
export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  app.useLogger(app.get(AppLogger));
  // First, so every later layer (and the admin panel, placed right after them) logs with the
  // request's id and is timed.
  const metrics = app.get(MetricsService);
  app.use(app.get<RequestHandler>(REQUEST_LOGGING), metrics.observeRequests);
  // Off the public API unless a token guards it (METRICS_TOKEN); METRICS_PORT serves it apart.
  if (config.metricsToken)
    (app.getHttpAdapter().getInstance() as Application).get('/metrics', metrics.serve);
  // The pages for people who sign in (src/pages) sit outside /api.
  app.setGlobalPrefix('api', {
    exclude: [
      '/',
      'sign-in',
      'sign-in/{*path}',
      'sign-out',
      'help',
      'language',
      'account/{*path}',
      'assets/{*path}',
    ],
  });
  answerClientErrors(app.getHttpServer());
  limitSlowClients(app.getHttpServer(), config.requestTimeoutSeconds);
  if (config.trustProxy) app.set('trust proxy', config.trustProxy);
  app.use(helmet(), storeNothing);
  // Nothing is stored, so no cache ever revalidates: an ETag would only cost a hash per answer.
  app.set('etag', false);
  app.use(...bodyParsers());
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter(app.get(BROWSER_ERROR_PAGES)));
  SwaggerModule.setup('api/docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'api/docs-json',
  });
}

function buildOpenApiDocument(app: NestExpressApplication): OpenAPIObject {
  const description = [
    'Two-factor authentication backend. Every error answers `{ statusCode, code, message }`;',
    'branch on `code`. Unknown body fields answer 400 `VALIDATION_FAILED`; bodies are limited to 100 kB.',
  ].join(' ');
  const { methods } = app.get(FactorRegistry);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Gatekeeper')
      .setDescription(description)
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
    {
      operationIdFactory: (_controllerKey, methodKey) => methodKey,
      extraModels: [ErrorBodyDto, ...methodRouteModels(methods)],
    },
  );
  documentMethodRoutes(document, methods);
  documentErrors(document);
  // In the order a client meets them.
  document.tags = [
    { name: 'auth', description: 'Signing in: password, second factor, passkeys; sessions.' },
    { name: 'me', description: "The signed-in user's profile, second factors and devices." },
    {
      name: 'admin',
      description: "An administrator's view of their account: users, policy, audit.",
    },
    { name: 'support', description: "The platform's support desk, across accounts." },
    { name: 'health', description: 'For load balancers and orchestrators.' },
  ];
  return document;
}
