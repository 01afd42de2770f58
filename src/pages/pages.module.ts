import {
  Inject,
  Module,
  type MiddlewareConsumer,
  type NestModule,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Application } from 'express';
import { AccessModule } from 'src/access/access.module';
import { AuthModule } from 'src/auth/auth.module';
import { BROWSER_ERROR_PAGES } from 'src/common/errors/all-exceptions.filter';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.module';
import { LIMITS } from 'src/config/limits';
import { DevicesModule } from 'src/devices/devices.module';
import { SessionsModule } from 'src/sessions/sessions.module';
import { webSession, WebSessionStore } from 'src/sessions/web-session.store';
import { TwoFactorModule } from 'src/two-factor/two-factor.module';
import { UsersModule } from 'src/users/users.module';
import { AssetsController } from './assets.controller';
import { PageAssets } from './page-assets';
import { PageErrorsFilter } from './page-errors.filter';
import { PageGateMiddleware } from './page-gate.middleware';
import { pageHeaders } from './page-headers';
import { PageRenderer } from './page-renderer';
import { configureViews } from './page-views';
import { PageSecurityService } from './security.service';
import { SecurityController } from './security.controller';
import { SignInController } from './sign-in.controller';
import { PageSignInService } from './sign-in.service';

export const PAGE_SESSION_COOKIE = 'gk_session';

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
    { provide: BROWSER_ERROR_PAGES, useExisting: PageErrorsFilter },
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
      maxAgeMs: LIMITS.pageSession.lifetimeMs,
    });
    consumer
      .apply(pageHeaders(this.config), pageSession, PageGateMiddleware)
      .forRoutes(SignInController, SecurityController);
  }
}
