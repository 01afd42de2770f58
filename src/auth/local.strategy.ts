import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-local';
import { clientInfoOf } from 'src/common/http/client-info';
import { validateBody } from 'src/common/http/validation';
import { LoginDto } from './auth.dto';
import { AuthService } from './auth.service';

@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy) {
  constructor(private readonly auth: AuthService) {
    super({ usernameField: 'email', passwordField: 'password', passReqToCallback: true });
  }

  validate(request: Request, email: string, password: string) {
    return this.auth.validateCredentials(email, password, clientInfoOf(request));
  }
}

/** Guards run before pipes, so the body is validated here, with the global pipe's rules. */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    request.body = await validateBody(LoginDto, request.body);
    return (await super.canActivate(context)) as boolean;
  }
}
