import { userInfo } from 'node:os';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { PlatformRolesService } from './platform-roles.service';

/** Who ran the command, for the audit trail: the operator's login on this machine. */
function operator(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

@SubCommand({
  name: 'grant',
  arguments: '<email>',
  description: 'make the user platform support (with --privileged: privileged support)',
})
export class GrantSupportCommand extends CommandRunner {
  constructor(private readonly roles: PlatformRolesService) {
    super();
  }

  async run([email]: string[], options: { privileged?: boolean }): Promise<void> {
    const role = options.privileged ? 'privileged-support' : 'support';
    await this.roles.grant(email, role, operator());
    process.stdout.write(`${email} is now ${role}; their sessions have ended.\n`);
  }

  @Option({
    flags: '--privileged',
    description: 'may also act on account administrators and platform staff',
  })
  parsePrivileged(): boolean {
    return true;
  }
}

@SubCommand({
  name: 'revoke',
  arguments: '<email>',
  description: "take the user's platform role away",
})
export class RevokeSupportCommand extends CommandRunner {
  constructor(private readonly roles: PlatformRolesService) {
    super();
  }

  async run([email]: string[]): Promise<void> {
    const revoked = await this.roles.revoke(email, operator());
    process.stdout.write(
      revoked ? `${email} is no longer platform support.\n` : `${email} had no platform role.\n`,
    );
  }
}

/** `npm run gatekeeper -- support grant|revoke <email>` (H1). */
@Command({
  name: 'support',
  description: "grant or revoke the platform's support roles",
  subCommands: [GrantSupportCommand, RevokeSupportCommand],
})
export class SupportCommand extends CommandRunner {
  run(): Promise<void> {
    this.command.help();
  }
}
