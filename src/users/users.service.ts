import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, In, IsNull, Repository, type EntityManager } from 'typeorm';
import { AppException } from 'src/common/errors/app.exception';
import { sqlAffected, sqlDate, sqlRows } from 'src/database/sql';
import { Transactions } from 'src/database/transactions';
import { isUniqueViolation } from 'src/database/unique-violation';
import { ErrorCode } from 'src/common/errors/error-code';
import type { PlatformRole } from 'src/access/principal';
import type { Language } from 'src/common/languages';
import { normalizeEmail } from './email';
import { PasswordService } from './password.service';
import { METHOD_LIST, User } from './user.entity';
import type { CreateUserDto } from './users.dto';

export interface UserQuery {
  page: number;
  limit: number;
  /** The start of the email or of the name, case-insensitively. */
  search?: string;
  twoFactor?: 'enabled' | 'disabled';
}

/** What every sign-in reads (login, verify, refresh): hand-written, as database/sql.ts explains. */
const WITH_ACCOUNT_SQL = `SELECT u.id, u.accountId, u.email, u.name, u.passwordHash, u.role,
  u.platformRole, u.disabledAt, u.lastSignInAt, u.sessionVersion, u.twoFactorMethods, u.locale, u.createdAt,
  u.updatedAt, a.name AS accountName
  FROM users u INNER JOIN accounts a ON a.id = u.accountId`;

interface UserRow {
  id: string;
  accountId: string;
  email: string;
  name: string;
  passwordHash: string;
  role: User['role'];
  platformRole: User['platformRole'];
  disabledAt: Date | string | null;
  lastSignInAt: Date | string | null;
  sessionVersion: number;
  twoFactorMethods: string | null;
  locale: Language | null;
  createdAt: Date | string;
  updatedAt: Date | string;
  accountName: string;
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly passwords: PasswordService,
    private readonly transactions: Transactions,
  ) {}

  /** Counts running now, by account and filter (see `countShared`). */
  private readonly counts = new Map<string, Promise<number>>();

  /** With the account joined, for answering a session. */
  findByEmail(email: string): Promise<User | null> {
    return this.findOneWithAccount('u.email = ?', normalizeEmail(email));
  }

  findWithAccount(id: string): Promise<User | null> {
    return this.findOneWithAccount('u.id = ?', id);
  }

  private async findOneWithAccount(condition: string, value: string): Promise<User | null> {
    const [row] = await sqlRows<UserRow>(
      this.users.manager,
      `${WITH_ACCOUNT_SQL} WHERE ${condition}`,
      [value],
    );
    if (!row) return null;
    return Object.assign(new User(), {
      id: row.id,
      accountId: row.accountId,
      account: { id: row.accountId, name: row.accountName },
      email: row.email,
      name: row.name,
      passwordHash: row.passwordHash,
      role: row.role,
      platformRole: row.platformRole ?? null,
      disabledAt: row.disabledAt === null ? null : sqlDate(row.disabledAt),
      lastSignInAt: row.lastSignInAt === null ? null : sqlDate(row.lastSignInAt),
      sessionVersion: row.sessionVersion,
      twoFactorMethods: METHOD_LIST.from(row.twoFactorMethods),
      locale: row.locale,
      createdAt: sqlDate(row.createdAt),
      updatedAt: sqlDate(row.updatedAt),
    });
  }

  /** The user row alone: what the guard reads on every request. */
  findById(id: string): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  /** The language of the user's latest sign-in; written only when it changed. */
  async setLocale(id: string, locale: Language): Promise<void> {
    await this.users
      .createQueryBuilder()
      .update(User)
      .set({ locale })
      .where('id = :id', { id })
      .andWhere('(locale IS NULL OR locale <> :locale)', { locale })
      .execute();
  }

  countAll(): Promise<number> {
    return this.users.count();
  }

  /** Another account's user answers exactly like a missing one (A2). */
  async getInAccount(accountId: string, id: string): Promise<User> {
    const user = await this.users.findOneBy({ id, accountId });
    if (!user) throw noSuchUser();
    return user;
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
      twoFactorMethods: [],
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
   * One page of an account's users and the total, in two queries whatever the page size. The
   * 2FA filter is a column of the user row (IDX_users_account_methods_created), never a join;
   * the search is a prefix, a range of IDX_users_account_email and IDX_users_account_name.
   */
  async list(accountId: string, query: UserQuery): Promise<{ users: User[]; total: number }> {
    const [users, total] = await Promise.all([
      this.page(accountId, query),
      this.count(accountId, query),
    ]);
    return { users, total };
  }

  /** The page alone, for a caller that asks for the total apart (the panel's list). */
  page(accountId: string, query: UserQuery): Promise<User[]> {
    // A "deferred join": the offset walks the account index alone, so deep pages stay cheap,
    // and only the page's rows are read whole, in the same statement.
    const page = this.matching(accountId, query)
      .select('user.id', 'id')
      .orderBy('user.createdAt', 'ASC')
      .addOrderBy('user.id', 'ASC')
      .offset((query.page - 1) * query.limit)
      .limit(query.limit);
    return this.users
      .createQueryBuilder('user')
      .innerJoin(`(${page.getQuery()})`, 'page', 'page.id = user.id')
      .setParameters(page.getParameters())
      .orderBy('user.createdAt', 'ASC')
      .addOrderBy('user.id', 'ASC')
      .getMany();
  }

  /** The total alone: how many users the filter matches. */
  count(accountId: string, filter: Omit<UserQuery, 'page' | 'limit'>): Promise<number> {
    const search = filter.search?.trim().toLowerCase();
    return this.countShared(JSON.stringify([accountId, search, filter.twoFactor]), () =>
      this.matching(accountId, filter).getCount(),
    );
  }

  private matching(accountId: string, filter: Omit<UserQuery, 'page' | 'limit'>) {
    const matching = this.users
      .createQueryBuilder('user')
      .where('user.accountId = :accountId', { accountId });
    const search = filter.search?.trim().toLowerCase();
    if (search) {
      // Emails are stored lower-cased; names compare case-insensitively in both databases'
      // LIKE (MariaDB's column collation, SQLite's ASCII folding), so no LOWER() hides the index.
      const pattern = `${escapeLike(search)}%`;
      matching.andWhere(
        new Brackets((or) =>
          or
            .where("user.email LIKE :pattern ESCAPE '!'", { pattern })
            .orWhere("user.name LIKE :pattern ESCAPE '!'", { pattern }),
        ),
      );
    }
    if (filter.twoFactor) {
      matching.andWhere(
        filter.twoFactor === 'enabled'
          ? "user.twoFactorMethods <> ''"
          : "user.twoFactorMethods = ''",
      );
    }
    return matching;
  }

  /**
   * The account's users who can sign in, by the methods they have: each method with how many
   * users have it, and how many have none (those a mandatory policy would send to setup).
   */
  async methodCounts(
    accountId: string,
  ): Promise<{ users: number; withoutMethod: number; byMethod: Record<string, number> }> {
    const rows = await sqlRows<{ methods: string | null; users: number | string }>(
      this.users.manager,
      `SELECT twoFactorMethods AS methods, COUNT(*) AS users FROM users
        WHERE accountId = ? AND disabledAt IS NULL GROUP BY twoFactorMethods`,
      [accountId],
    );
    const counts = { users: 0, withoutMethod: 0, byMethod: {} as Record<string, number> };
    for (const row of rows) {
      const users = Number(row.users);
      const methods = METHOD_LIST.from(row.methods);
      counts.users += users;
      if (methods.length === 0) counts.withoutMethod += users;
      for (const method of methods)
        counts.byMethod[method] = (counts.byMethod[method] ?? 0) + users;
    }
    return counts;
  }

  /** Names and emails of some of an account's users; ids of other accounts are left out. */
  namesOf(accountId: string, ids: string[]): Promise<Pick<User, 'id' | 'name' | 'email'>[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.users.find({
      select: { id: true, name: true, email: true },
      where: { accountId, id: In(ids) },
    });
  }

  /** The account's user with this email (compared as stored, P5), or null. */
  findInAccountByEmail(accountId: string, email: string): Promise<User | null> {
    return this.users.findOneBy({ accountId, email: normalizeEmail(email) });
  }

  /**
   * Disables the user and ends every session at once, in one statement: a refresh that read the
   * user before it mints tokens of the old session version, which fail from then on; one that
   * reads after sees the user disabled. False when the user was already disabled (or is not in
   * the account).
   */
  async disable(accountId: string, userId: string, at: Date): Promise<boolean> {
    const changed = await sqlAffected(
      this.users.manager,
      `UPDATE users SET disabledAt = ?, sessionVersion = sessionVersion + 1
        WHERE id = ? AND accountId = ? AND disabledAt IS NULL`,
      [at, userId, accountId],
    );
    return changed === 1;
  }

  /** Sessions ended by disabling stay ended: their session version is gone. */
  async enable(accountId: string, userId: string): Promise<boolean> {
    const changed = await sqlAffected(
      this.users.manager,
      'UPDATE users SET disabledAt = NULL WHERE id = ? AND accountId = ? AND disabledAt IS NOT NULL',
      [userId, accountId],
    );
    return changed === 1;
  }

  /** Every full sign-in writes it, so the statement is hand-written (database/sql.ts). */
  async recordSignIn(userId: string, at: Date): Promise<void> {
    await sqlAffected(this.users.manager, 'UPDATE users SET lastSignInAt = ? WHERE id = ?', [
      at,
      userId,
    ]);
  }

  /**
   * An exact total reads one index entry per matching user (about 15 ms for 100,000), so
   * requests for the same account and filter that arrive while it runs share its answer
   * instead of each queueing another: a total can be as old as one count (docs/api.md says so).
   */
  private countShared(key: string, count: () => Promise<number>): Promise<number> {
    const running = this.counts.get(key);
    if (running) return running;
    const started = count().finally(() => this.counts.delete(key));
    this.counts.set(key, started);
    return started;
  }

  /**
   * Locks the user's row until `manager`'s transaction ends: every change to the user's
   * second-factor methods takes this lock first, so two changes never decide on the same state.
   */
  async lockForChange(manager: EntityManager, userId: string): Promise<User> {
    const user = await this.transactions
      .forUpdate(
        manager
          .getRepository(User)
          .createQueryBuilder('user')
          .where('user.id = :userId', { userId }),
      )
      .getOne();
    if (!user) throw noSuchUser();
    return user;
  }

  async setTwoFactorMethods(
    manager: EntityManager,
    userId: string,
    methods: string[],
  ): Promise<void> {
    await manager.getRepository(User).update({ id: userId }, { twoFactorMethods: methods });
  }

  /** Ends every session of the user at once: tokens carry the old version and fail the guard. */
  async bumpSessionVersion(userId: string): Promise<number> {
    await this.users.increment({ id: userId }, 'sessionVersion', 1);
    return (await this.users.findOneByOrFail({ id: userId })).sessionVersion;
  }

  /**
   * H1: grants (or, with null, revokes) a platform role. Like any role change it ends the user's
   * sessions (S4), so the next sign-in carries the new rules (second factor, 8-hour session).
   */
  async setPlatformRole(userId: string, platformRole: PlatformRole | null): Promise<void> {
    await this.users.update({ id: userId }, { platformRole });
    await this.bumpSessionVersion(userId);
  }

  /** Where (and in which language) an account's active administrators are told of its events. */
  adminRecipients(accountId: string): Promise<Pick<User, 'email' | 'locale'>[]> {
    return this.users.find({
      select: { email: true, locale: true },
      where: { accountId, role: 'admin', disabledAt: IsNull() },
    });
  }

  /**
   * Replaces the password `user` was read with, by one conditional UPDATE: of two changes that
   * checked the same current password at once, one wins and the other is refused, so a change
   * the owner was told succeeded is never silently overwritten.
   */
  async changePassword(user: User, newPassword: string): Promise<void> {
    const changed = await this.users.update(
      { id: user.id, passwordHash: user.passwordHash },
      { passwordHash: await this.passwords.hash(newPassword) },
    );
    if (!changed.affected) {
      throw new AppException(ErrorCode.INVALID_PASSWORD, 'The password was changed meanwhile');
    }
  }
}

function noSuchUser(): AppException {
  return new AppException(ErrorCode.NOT_FOUND, 'No such user');
}

function emailTaken(): AppException {
  return new AppException(ErrorCode.EMAIL_TAKEN, 'A user with this email already exists');
}

/** '!' rather than backslash: backslash is itself an escape in MySQL string literals. */
function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, (char) => `!${char}`);
}
