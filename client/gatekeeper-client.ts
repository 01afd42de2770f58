import createClient, { type ClientOptions } from 'openapi-fetch';
import type { components, paths } from './schema';

/**
 * A typed client for Gatekeeper's API: every path, body, answer and error `code` comes from
 * openapi.json through `schema.d.ts`, which `npm run openapi` regenerates (never edit it by hand).
 *
 *     const gatekeeper = createGatekeeperClient({ baseUrl: 'https://auth.example.com' });
 *     const { data, error } = await gatekeeper.POST('/api/auth/login', { body: { email, password } });
 *     if (error) console.log(error.code); // 'INVALID_CREDENTIALS' | 'TOO_MANY_REQUESTS' | …
 *     else if (data.status === 'two_factor_required') console.log(data.methods);
 */
export function createGatekeeperClient(options: ClientOptions & { baseUrl: string }) {
  return createClient<paths>(options);
}

export type GatekeeperClient = ReturnType<typeof createGatekeeperClient>;
export type { components, paths };
export type ErrorCode = components['schemas']['ErrorBodyDto']['code'];
