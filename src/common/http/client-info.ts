import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** Where a request came from, for the audit trail. `ip` honours TRUST_PROXY only. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
  /** The id its log lines carry (src/logging), so an audit event leads to them. */
  requestId?: string;
}

export function clientInfoOf(request: Request): ClientInfo {
  return {
    ip: request.ip ?? null,
    userAgent: request.headers['user-agent']?.slice(0, 255) ?? null,
    requestId: typeof request.id === 'string' ? request.id : undefined,
  };
}

export const Client = createParamDecorator((_: unknown, context: ExecutionContext): ClientInfo =>
  clientInfoOf(context.switchToHttp().getRequest<Request>()),
);
