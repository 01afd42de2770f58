import { Foundation1795824405776 } from './migrations/mariadb/1795824405776-Foundation';
import { TwoFactor1795825272758 } from './migrations/mariadb/1795825272758-TwoFactor';
import { AuditDetail1795827694396 } from './migrations/mariadb/1795827694396-AuditDetail';
import { Hardening1795840252812 } from './migrations/mariadb/1795840252812-Hardening';
import { TrustedDevicesPolicyRecovery1795827052034 } from './migrations/mariadb/1795827052034-TrustedDevicesPolicyRecovery';
import { PanelSessions1795850000000 } from './migrations/mariadb/1795850000000-PanelSessions';
import { UsersListSearch1795860000000 } from './migrations/mariadb/1795860000000-UsersListSearch';
import { AttemptReservations1795870000000 } from './migrations/mariadb/1795870000000-AttemptReservations';
import { LongerMethodNames1795875000000 } from './migrations/mariadb/1795875000000-LongerMethodNames';
import { Passkeys1795880000000 } from './migrations/mariadb/1795880000000-Passkeys';
import { PasswordlessSignIn1795890000000 } from './migrations/mariadb/1795890000000-PasswordlessSignIn';
import { SupportDesk1795900000000 } from './migrations/mariadb/1795900000000-SupportDesk';
import { UserStatus1795920000000 } from './migrations/mariadb/1795920000000-UserStatus';
import { AuditByType1795921000000 } from './migrations/mariadb/1795921000000-AuditByType';
import { UserLocale1795930000000 } from './migrations/mariadb/1795930000000-UserLocale';
import { AuditRequestId1795950000000 } from './migrations/mariadb/1795950000000-AuditRequestId';

/** MySQL/MariaDB migrations, oldest first; run at start. SQLite (demo) is synchronized instead. */
export const MARIADB_MIGRATIONS = [
  Foundation1795824405776,
  TwoFactor1795825272758,
  TrustedDevicesPolicyRecovery1795827052034,
  AuditDetail1795827694396,
  Hardening1795840252812,
  PanelSessions1795850000000,
  UsersListSearch1795860000000,
  AttemptReservations1795870000000,
  LongerMethodNames1795875000000,
  Passkeys1795880000000,
  PasswordlessSignIn1795890000000,
  SupportDesk1795900000000,
  UserStatus1795920000000,
  AuditByType1795921000000,
  UserLocale1795930000000,
  AuditRequestId1795950000000,
];
