import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, QueryFailedError, Repository, type SelectQueryBuilder } from 'typeorm';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import { EmailFactor } from 'src/two-factor/email/email-factor.entity';
import { TotpFactor } from 'src/two-factor/totp/totp-factor.entity';
import type { TwoFactorMethod } from 'src/two-factor/two-factor-method';
import { normalizeEmail } from './email';
import { PasswordService } from './password.service';
import { User } from './user.entity';
import type {
  AdminUserDto,
  CreateUserDto,
  ListUsersQueryDto,
  MeDto,
  UserPageDto,
} from './users.dto';

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly passwords: PasswordService,
  ) {}

  /** With the account joined, for answering a session; one query (findOne with relations takes two). */
  findByEmail(email: string): Promise<User | null> {
    return this.withAccount()
      .where('user.email = :email', { email: normalizeEmail(email) })
      .getOne();
  }

  findWithAccount(id: string): Promise<User | null> {
    return this.withAccount().where('user.id = :id', { id }).getOne();
  }

  /** The user row alone: what the guard reads on every request. */
  findById(id: string): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  private withAccount() {
    return this.users.createQueryBuilder('user').innerJoinAndSelect('user.account', 'account');
  }

  countAll(): Promise<number> {
    return this.users.count();
  }

  async getProfile(userId: string): Promise<MeDto> {
    const user = await this.findWithAccount(userId);
    if (!user) throw new AppException(ErrorCode.NOT_FOUND, 'No such user');
    return toMeDto(user);
  }

  /** Another account's user answers exactly like a missing one (A2). */
  async getInAccount(accountId: string, id: string): Promise<User> {
    const user = await this.users.findOneBy({ id, accountId });
    if (!user) throw new AppException(ErrorCode.NOT_FOUND, 'No such user');
    return user;
  }

  async getAdminView(accountId: string, id: string): Promise<AdminUserDto> {
    const [user] = await this.withFactors(accountId, [id]);
    if (!user) throw new AppException(ErrorCode.NOT_FOUND, 'No such user');
    return user;
  }

  async createInAccount(accountId: string, input: CreateUserDto): Promise<AdminUserDto> {
    const user = await this.create(accountId, input);
    return this.getAdminView(accountId, user.id);
  }

  async create(accountId: string, input: CreateUserDto): Promise<User> {
    const email = normalizeEmail(input.email);
    if (await this.users.exists({ where: { email } })) throw emailTaken();
    const user = this.users.create({
      accountId,
      email,
      name: input.name,
      role: input.role,
      passwordHash: await this.passwords.hash(input.password),
    });
    try {
      return await this.users.save(user);
    } catch (error) {
      // Two creations racing past the check above: the unique index decides.
      if (isUniqueViolation(error)) throw emailTaken();
      throw error;
    }
  }

  /**
   * One page with each user's 2FA methods in three queries, whatever the page size: the page's
   * ids (a "deferred join": the offset walks the account index alone, so deep pages stay cheap),
   * those users with their factors joined (one row each, factors being unique per user), and
   * the total.
   */
  async list(accountId: string, query: ListUsersQueryDto): Promise<UserPageDto> {
    const matching = this.users
      .createQueryBuilder('user')
      .where('user.accountId = :accountId', { accountId });
    const search = query.search?.trim().toLowerCase();
    if (search) {
      const pattern = `%${escapeLike(search)}%`;
      matching.andWhere(
        new Brackets((or) =>
          or
            .where("user.email LIKE :pattern ESCAPE '!'", { pattern })
            .orWhere("LOWER(user.name) LIKE :pattern ESCAPE '!'", { pattern }),
        ),
      );
    }
    if (query.twoFactor) {
      joinFactors(matching).andWhere(
        query.twoFactor === 'enabled'
          ? '(emailFactor.id IS NOT NULL OR totpFactor.id IS NOT NULL)'
          : 'emailFactor.id IS NULL AND totpFactor.id IS NULL',
      );
    }
    const [pageIds, total] = await Promise.all([
      matching
        .clone()
        .select('user.id', 'id')
        .orderBy('user.createdAt', 'ASC')
        .addOrderBy('user.id', 'ASC')
        .offset((query.page - 1) * query.limit)
        .limit(query.limit)
        .getRawMany<{ id: string }>(),
      matching.getCount(),
    ]);
    const items =
      pageIds.length === 0
        ? []
        : await this.withFactors(
            accountId,
            pageIds.map((row) => row.id),
          );
    return { items, total, page: query.page, limit: query.limit };
  }

  private async withFactors(accountId: string, ids: string[]): Promise<AdminUserDto[]> {
    const { entities, raw } = await joinFactors(this.users.createQueryBuilder('user'))
      .addSelect('emailFactor.id', 'emailFactorId')
      .addSelect('totpFactor.id', 'totpFactorId')
      .where('user.accountId = :accountId', { accountId })
      .andWhere('user.id IN (:...ids)', { ids })
      .orderBy('user.createdAt', 'ASC')
      .addOrderBy('user.id', 'ASC')
      .getRawAndEntities<FactorColumns>();
    return entities.map((user, index) => toAdminUserDto(user, raw[index]));
  }

  /** Ends every session of the user at once: tokens carry the old version and fail the guard. */
  async bumpSessionVersion(userId: string): Promise<number> {
    await this.users.increment({ id: userId }, 'sessionVersion', 1);
    return (await this.users.findOneByOrFail({ id: userId })).sessionVersion;
  }

  async changePassword(userId: string, newPassword: string): Promise<void> {
    await this.users.update(
      { id: userId },
      { passwordHash: await this.passwords.hash(newPassword) },
    );
  }
}

export function toMeDto(user: User): MeDto {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    account: { id: user.account!.id, name: user.account!.name },
  };
}

/** Active factors only: a pending setup is not a method. */
function joinFactors(builder: SelectQueryBuilder<User>): SelectQueryBuilder<User> {
  return builder
    .leftJoin(
      EmailFactor,
      'emailFactor',
      'emailFactor.userId = user.id AND emailFactor.address IS NOT NULL',
    )
    .leftJoin(
      TotpFactor,
      'totpFactor',
      'totpFactor.userId = user.id AND totpFactor.secret IS NOT NULL',
    );
}

interface FactorColumns {
  emailFactorId: string | null;
  totpFactorId: string | null;
}

function toAdminUserDto(user: User, factors: FactorColumns): AdminUserDto {
  const methods: TwoFactorMethod[] = [];
  if (factors.totpFactorId) methods.push('totp');
  if (factors.emailFactorId) methods.push('email');
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    active: user.active,
    createdAt: user.createdAt,
    twoFactor: { enabled: methods.length > 0, methods },
  };
}

function emailTaken(): AppException {
  return new AppException(ErrorCode.EMAIL_TAKEN, 'A user with this email already exists');
}

/** '!' rather than backslash: backslash is itself an escape in MySQL string literals. */
function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, (char) => `!${char}`);
}

function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = (error.driverError as { code?: string }).code;
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
