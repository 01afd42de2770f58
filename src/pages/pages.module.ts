import {
  Inject,
  Module,
  type MiddlewareConsumer,
  type NestModule,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Application } from 'express';
import helmet from 'helmet';
import { AccessModule } from 'src/access/access.module';
import { AuthModule } from 'src/auth/auth.module';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.module';
import { DevicesModule } from 'src/devices/devices.module';
import { SessionsModule } from 'src/sessions/sessions.module';
import { webSession, WebSessionStore } from 'src/sessions/web-session.store';
import { TwoFactorModule } from 'src/two-factor/two-factor.module';
import { UsersModule } from 'src/users/users.module';
import { AssetsController } from './assets.controller';
import { PageAssets } from './page-assets';
import { PageErrorsFilter } from './page-errors.filter';
import { PageGateMiddleware } from './page-gate.middleware';
import { PageRenderer } from './page-renderer';
import { configureViews } from './page-views';
import { PageSecurityService } from './security.service';
import { SecurityController } from './security.controller';
import { SignInController } from './sign-in.controller';
import { PageSignInService } from './sign-in.service';

export const PAGE_SESSION_COOKIE = 'gk_session';
const PAGE_SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/**
 * U3: scripts only from this origin (the pages' one file, and on passkey screens the passkey
 * script and its WebAuthn library), which may ask this origin only (passwordless sign-in's
 * options), styles from the one stylesheet, images from here, the QR code's data URL or the
 * origin of BRAND_LOGO_URL, forms posted here only, and never inside a frame.
 */
function pageHeaders(config: AppConfig) {
  const logoOrigin = config.brand.logo?.origin;
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'none'"],
        'script-src': ["'self'"],
        'connect-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:', ...(logoOrigin ? [logoOrigin] : [])],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        'base-uri': ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
  });
}

/**
 * Pages for the people who sign in: `/` and `/account/security` (docs/pages.md). A leaf: what
 * it does is the product's services', and it owns nothing but its screens.
 */
@Module({
  imports: [AccessModule, AuthModule, DevicesModule, SessionsModule, TwoFactorModule, UsersModule],
  controllers: [SignInController, SecurityController, AssetsController],
  providers: [
    PageAssets,
    PageRenderer,
    PageSignInService,
    PageSecurityService,
    PageErrorsFilter,
    PageGateMiddleware,
  ],
})
export class PagesModule implements NestModule, OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly store: WebSessionStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    configureViews(this.adapterHost.httpAdapter.getInstance<Application>());
  }

  /** U1: a server-held session under its own cookie; Secure when the request came over TLS. */
  configure(consumer: MiddlewareConsumer): void {
    const pageSession = webSession({
      store: this.store,
      cookie: PAGE_SESSION_COOKIE,
      key: this.config.jwtSecret,
      purpose: 'gatekeeper pages session',
      sameSite: 'lax',
      path: '/',
      maxAgeMs: PAGE_SESSION_TTL_MS,
    });
    consumer
      .apply(pageHeaders(this.config), pageSession, PageGateMiddleware)
      .forRoutes(SignInController, SecurityController);
  }
}
