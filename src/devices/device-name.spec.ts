import { deviceName } from './device-name';

const FIREFOX_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0';

describe('deviceName', () => {
  it.each([
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0',
      'Firefox on macOS',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0',
      'Edge on Windows',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      'Safari on iOS',
    ],
    [
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
      'Chrome on Android',
    ],
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
      'Chrome on Linux',
    ],
    ['curl/8.5.0', 'curl/8.5.0'],
  ])('names %s', (userAgent, name) => {
    expect(deviceName(undefined, userAgent)).toBe(name);
  });

  it('has a name for a request without a user agent', () => {
    expect(deviceName(undefined, null)).toBe('Unknown device');
  });

  it('keeps the name the user typed, its spaces collapsed', () => {
    expect(deviceName('  Work \t laptop ', FIREFOX_MAC)).toBe('Work laptop');
    expect(deviceName('Ünï’s 📱 (büro)', FIREFOX_MAC)).toBe('Ünï’s 📱 (büro)');
  });

  it.each([
    ['a right-to-left override', '\u202Eevil.exe\u202C', 'evil.exe'],
    ['embeddings and overrides', 'a\u202Ab\u202Bc\u202Dd', 'abcd'],
    ['isolates', 'Work\u2066 laptop\u2069', 'Work laptop'],
    ['directional marks', '\u200Eone\u200F\u061Ctwo', 'onetwo'],
    [
      'zero-width spaces, word joiners and soft hyphens',
      'Pay\u200Bpal\u2060\u00AD\uFEFF',
      'Paypal',
    ],
    ['tag characters', 'phone\u{E0041}\u{E007F}', 'phone'],
    ['line and paragraph separators', 'two\u2028lines\u2029here', 'two lines here'],
    ['wide spaces', 'a\u00A0\u3000b', 'a b'],
  ])('I4: takes %s out', (_what, typed, shown) => {
    expect(deviceName(typed, FIREFOX_MAC)).toBe(shown);
  });

  it('I4: keeps the joiners and selectors that shape visible text', () => {
    const developer = '\u{1F469}\u200D\u{1F4BB}';
    expect(deviceName(`${developer} laptop`, FIREFOX_MAC)).toBe(`${developer} laptop`);
    expect(deviceName('\u2764\uFE0F phone', FIREFOX_MAC)).toBe('\u2764\uFE0F phone');
    expect(deviceName('می\u200Cخواهم', FIREFOX_MAC)).toBe('می\u200Cخواهم');
  });

  it.each([
    ['spaces only', '   '],
    ['zero-width characters only', '\u200B\u200C\u200D\uFEFF\u2060'],
    ['bidirectional controls only', '\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069'],
    ['fillers and blanks', ' \u3164 \u2800 \u115F\u1160\uFFA0\u00A0\u3000'],
    ['combining marks only', '\u0301\u0308'],
    ['variation selectors only', '\uFE0F\uFE0E'],
  ])('I4: falls back to the user agent when %s are left', (_what, typed) => {
    expect(deviceName(typed, FIREFOX_MAC)).toBe('Firefox on macOS');
    expect(deviceName(typed, null)).toBe('Unknown device');
  });

  it('I4: cleans a name read from the user agent too', () => {
    expect(deviceName(undefined, 'odd\u00ADagent\u0085 1.0')).toBe('oddagent 1.0');
    expect(deviceName(undefined, '\u00AD\u00A0')).toBe('Unknown device');
  });
});
