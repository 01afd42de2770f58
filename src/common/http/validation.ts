import {
  applyDecorators,
  ValidationError,
  ValidationPipe,
  type ValidationPipeOptions,
} from '@nestjs/common';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { buildMessage, isEmail, IsString, validate, ValidateBy } from 'class-validator';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';

const OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  // Strings stay strings: "123456" vs 123456 matters for codes (I1).
  transformOptions: { enableImplicitConversion: false },
  validationError: { target: false, value: false },
  exceptionFactory: (errors) => validationFailed(errors),
};

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe(OPTIONS);
}

/** The same rules as the global pipe, for guards that read the body before pipes run. */
export async function validateBody<T extends object>(
  type: ClassConstructor<T>,
  body: unknown,
): Promise<T> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppException(ErrorCode.VALIDATION_FAILED, 'The request body must be a JSON object');
  }
  const instance = plainToInstance(type, body);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw validationFailed(errors);
  return instance;
}

function validationFailed(errors: ValidationError[]): AppException {
  return new AppException(ErrorCode.VALIDATION_FAILED, flatten(errors).join('; '));
}

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith(error.property)
        ? `${path}${message.slice(error.property.length)}`
        : message,
    );
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

/** For @Transform: surrounding spaces are forgiven on strings; anything else is left to the validators. */
export const trimString = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** C0 and C1 controls (NEL among them) and the line and paragraph separators: each breaks a line. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const LINE_BREAKING = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;

/**
 * One line of `min` to `max` characters counted as the database counts them (Unicode code
 * points: `@Length` skips variation selectors, so a string it passes could overflow the
 * column), without lone surrogates (utf8mb4 cannot store them) or anything that starts a new
 * line in a log or a mail header (I4).
 */
function isText(value: unknown, min: number, max: number): value is string {
  if (typeof value !== 'string') return false;
  if (LONE_SURROGATE.test(value) || LINE_BREAKING.test(value)) return false;
  const length = [...value].length;
  return length >= min && length <= max;
}

export function IsText(min: number, max: number): PropertyDecorator {
  return applyDecorators(
    IsString(),
    ValidateBy({
      name: 'isText',
      constraints: [min, max],
      validator: {
        validate: (value: unknown) => isText(value, min, max),
        defaultMessage: buildMessage(
          (each) => `${each}$property must be one line of ${min} to ${max} characters`,
        ),
      },
    }),
  );
}

/**
 * A quoted local part (`"a b"@example.com`) or a MIME encoded word (`=?utf-8?q?…?=`): the mailer
 * drops the quotes and a mail client may decode the word, so the mail goes to another address.
 * No real mailbox needs either; the domain can hold neither.
 */
const REWRITTEN_BY_MAILERS = /"|=\?.*\?=/;

/**
 * Every email field's one rule (I4): an address that fits the column, on one line, and that
 * mailers carry unchanged. Checked as text first (`isEmail` throws on lone surrogates).
 */
export function IsEmailAddress(): PropertyDecorator {
  return ValidateBy({
    name: 'isEmailAddress',
    validator: {
      validate: (value: unknown) =>
        isText(value, 3, 254) && !REWRITTEN_BY_MAILERS.test(value) && isEmail(value),
      defaultMessage: buildMessage(
        (each) => `${each}$property must be a plain email address such as ada@example.com`,
      ),
    },
  });
}
