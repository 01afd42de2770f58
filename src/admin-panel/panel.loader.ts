import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Application } from 'express';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.module';
import { WebSessionStore } from 'src/sessions/web-session.store';
import { ensurePanelBundle, panelComponents, type AdminJSModule } from './panel-bundle';
import { PanelGateway } from './panel-gateway';
import { panelHome } from './panel-home';
import { auditEventsResource } from './resources/audit-events.resource';
import { resourceKit } from './resources/gateway-resource';
import { supportRequestsResource } from './resources/support-requests.resource';
import { usersResource } from './resources/users.resource';
import { panelErrors, panelRouter } from './panel-router';
import { panelTranslations } from './panel-translations';

/** The AdminJS module, imported once by AdminPanelModule.forRoot. */
export const ADMINJS = Symbol('adminjs');

const AHEAD_OF_THE_PANEL = ['expressInit', 'requestLogging', 'observeRequests'];

interface Layer {
  name: string;
}

/**
 * Builds the AdminJS instance and the admin router, with the panel's own protection and
 * sign-in in front of AdminJS's routes, then moves it to the top of the Express stack (as
 * @adminjs/nestjs's ExpressLoader does), so AdminJS reads bodies before the app's parsers. Nest
 * middleware, guards and filters never see /admin: the router brings its own.
 */
@Injectable()
export class PanelLoader implements OnModuleInit {
  private readonly logger = new Logger(PanelLoader.name);

  constructor(
    @Inject(ADMINJS) private readonly adminjs: AdminJSModule,
    private readonly gateway: PanelGateway,
    private readonly store: WebSessionStore,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const { default: AdminJS } = this.adminjs;
    const components = panelComponents(this.adminjs);
    const kit = resourceKit(this.adminjs, this.gateway, components);
    const admin = new AdminJS({
      rootPath: '/admin',
      loginPath: '/admin/login',
      logoutPath: '/admin/logout',
      componentLoader: components.componentLoader,
      resources: [usersResource(kit), auditEventsResource(kit), supportRequestsResource(kit)],
      ...panelHome(this.gateway, components),
      // The pages' brand (BRAND_*): without a logo AdminJS shows the name instead of its own logo.
      branding: {
        companyName: this.config.productName,
        logo: this.config.brand.logo?.url ?? false,
        favicon: this.config.brand.icon.path,
        withMadeWithLove: false,
      },
      locale: { language: 'en', translations: { en: panelTranslations } },
      settings: { defaultPerPage: 20 },
    });
    // Never admin.watch(): outside production it starts a rollup watcher that outlives the app.
    await ensurePanelBundle(admin, false, (message) => this.logger.log(message));
    const { default: AdminJSExpress } = await import('@adminjs/express');
    const router = panelRouter({
      admin,
      gateway: this.gateway,
      store: this.store,
      productName: this.config.productName,
      publicUrl: this.config.publicUrl,
      logoOrigin: this.config.brand.logo?.origin,
      secret: this.config.jwtSecret,
    });
    AdminJSExpress.buildRouter(admin, router);
    router.use(panelErrors());

    const app = this.adapterHost.httpAdapter.getInstance<Application>();
    // Named `admin`: the layer is found by that name.
    app.use(admin.options.rootPath, function admin(request, response, next) {
      router(request, response, next);
    });
    moveToTop(app, 'admin');
  }
}

function moveToTop(app: Application, name: string): void {
  const stack = (app as unknown as { router: { stack: Layer[] } }).router.stack;
  const index = stack.findIndex((layer) => layer.name === name);
  const [layer] = stack.splice(index, 1);
  // After Express's own first layer, the request log and timing (src/logging, src/metrics),
  // before everything else.
  const first = stack.findLastIndex((layer) => AHEAD_OF_THE_PANEL.includes(layer.name)) + 1;
  stack.splice(first, 0, layer);
}
