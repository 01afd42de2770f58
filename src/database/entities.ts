import { Account } from 'src/accounts/account.entity';
import { RefreshToken } from 'src/auth/refresh-token.entity';
import { User } from 'src/users/user.entity';

/** Every table of the product; the migrations must match this list. */
export const ENTITIES = [Account, User, RefreshToken];
