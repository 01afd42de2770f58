import { IsEmailAddress, IsText, validateBody } from './validation';

class Sample {
  @IsEmailAddress()
  email!: string;

  @IsText(1, 20)
  name!: string;
}

const accepts = async (body: object) => {
  await expect(
    validateBody(Sample, { email: 'ada@example.com', name: 'Ada', ...body }),
  ).resolves.toBeDefined();
};
const refuses = async (body: object) => {
  await expect(
    validateBody(Sample, { email: 'ada@example.com', name: 'Ada', ...body }),
  ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
};

describe('IsEmailAddress', () => {
  it.each([
    'ada@example.com',
    'ada.lovelace+2fa@mail.example.org',
    'ünï@exämple.com',
    "o'brien@example.ie",
  ])('I4: accepts %s', (email) => accepts({ email }));

  it.each([
    ['a line separator', 'ada\u2028lovelace@example.com'],
    ['a paragraph separator', 'ada\u2029lovelace@example.com'],
    ['a next-line control', 'ada\u0085lovelace@example.com'],
    ['a line separator in the domain', 'ada@exam\u2028ple.com'],
    ['a line feed', 'ada\n@example.com'],
    ['a quoted local part', '"ada"@example.com'],
    ['a quoted local part with a space', '"ada lovelace"@example.com'],
    ['an address inside quotes', '"evil@attacker.example x"@example.com'],
    ['a quoted encoded word', '"=?utf-8?q?evil=40attacker.example?="@example.com'],
    ['an encoded word', '=?utf-8?q?evil=40attacker.example?=@example.com'],
    ['a base64 encoded word', '=?utf-8?b?ZXZpbEBhdHRhY2tlci5leGFtcGxl?=@example.com'],
    ['a lone surrogate', 'ada\uD800@example.com'],
    ['no address at all', 'ada lovelace'],
  ])('I4: refuses %s', (_what, email) => refuses({ email }));
});

describe('IsText', () => {
  it.each([
    ['U+2028', 'two\u2028lines'],
    ['U+2029', 'two\u2029paragraphs'],
    ['a C1 control', 'next\u0085line'],
    ['a line feed', 'two\nlines'],
    ['too many code points', '😀'.repeat(21)],
  ])('I4: refuses %s', (_what, name) => refuses({ name }));

  it('counts code points, not UTF-16 units', () => accepts({ name: '😀'.repeat(20) }));
});
