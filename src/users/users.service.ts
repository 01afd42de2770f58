import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, QueryFailedError, Repository } from 'typeorm';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
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

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOne({
      where: { email: normalizeEmail(email) },
      relations: { account: true },
    });
  }

  findById(id: string): Promise<User | null> {
    return this.users.findOne({ where: { id }, relations: { account: true } });
  }

  countAll(): Promise<number> {
    return this.users.count();
  }

  async getProfile(userId: string): Promise<MeDto> {
    const user = await this.findById(userId);
    if (!user) throw new AppException(ErrorCode.NOT_FOUND, 'No such user');
    return toMeDto(user);
  }

  /** Another account's user answers exactly like a missing one (A2). */
  async getAdminView(accountId: string, id: string): Promise<AdminUserDto> {
    const user = await this.users.findOne({ where: { id, accountId } });
    if (!user) throw new AppException(ErrorCode.NOT_FOUND, 'No such user');
    return toAdminUserDto(user);
  }

  async createInAccount(accountId: string, input: CreateUserDto): Promise<AdminUserDto> {
    return toAdminUserDto(await this.create(accountId, input));
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

  async list(accountId: string, query: ListUsersQueryDto): Promise<UserPageDto> {
    const builder = this.users
      .createQueryBuilder('user')
      .where('user.accountId = :accountId', { accountId })
      .orderBy('user.createdAt', 'ASC')
      .addOrderBy('user.id', 'ASC')
      .skip((query.page - 1) * query.limit)
      .take(query.limit);
    const search = query.search?.trim().toLowerCase();
    if (search) {
      const pattern = `%${escapeLike(search)}%`;
      builder.andWhere(
        new Brackets((or) =>
          or
            .where("user.email LIKE :pattern ESCAPE '!'", { pattern })
            .orWhere("LOWER(user.name) LIKE :pattern ESCAPE '!'", { pattern }),
        ),
      );
    }
    const [users, total] = await builder.getManyAndCount();
    return { items: users.map(toAdminUserDto), total, page: query.page, limit: query.limit };
  }

  /** Ends every session of the user at once: tokens carry the old version and fail the guard. */
  async bumpSessionVersion(userId: string): Promise<void> {
    await this.users.increment({ id: userId }, 'sessionVersion', 1);
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

function toAdminUserDto(user: User): AdminUserDto {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    active: user.active,
    createdAt: user.createdAt,
    twoFactor: { enabled: false, methods: [] },
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
