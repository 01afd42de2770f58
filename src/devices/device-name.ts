/**
 * The name kept for a newly trusted device (I4): the one the user typed, cleaned, or else one read
 * from the user agent. It is shown in lists and mails, so it never holds what would reorder or
 * hide the text around it, and never shows as blank.
 */
export function deviceName(requested: string | undefined, userAgent: string | null): string {
  return visible(requested ?? '') || visible(nameFromUserAgent(userAgent)) || UNKNOWN_DEVICE;
}

const UNKNOWN_DEVICE = 'Unknown device';

/**
 * Bidirectional controls (U+202E shows "evil\u202Etxt.exe" as "evilexe.txt"), zero-width spaces,
 * soft hyphens, fillers and other characters drawn as nothing. ZWJ, ZWNJ and variation selectors
 * stay: they shape the characters beside them (emoji sequences, Persian, Indic scripts).
 */
const INVISIBLE = /(?!\u200C|\u200D|[\uFE00-\uFE0F])[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu;
const SPACES = /[\p{White_Space}\p{Cc}]+/gu;
/** Something a reader sees; the Braille blank is a symbol drawn as nothing. */
const VISIBLE = /(?!\u2800)[\p{L}\p{N}\p{P}\p{S}]/u;

/** `text` without invisible characters, its spaces collapsed; '' when nothing visible is left. */
function visible(text: string): string {
  const cleaned = text.replace(INVISIBLE, '').replace(SPACES, ' ').trim();
  return VISIBLE.test(cleaned) ? cleaned : '';
}

/** "Firefox on macOS" from a user agent; good enough for a person to recognise their device. */
function nameFromUserAgent(userAgent: string | null): string {
  if (!userAgent) return UNKNOWN_DEVICE;
  const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? system ?? userAgent.slice(0, 60);
}

// Order matters: Edge and Opera also say Chrome; Chrome also says Safari.
const BROWSERS: [RegExp, string][] = [
  [/Edg\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/Firefox\//, 'Firefox'],
  [/Chrome\/|CriOS\//, 'Chrome'],
  [/Safari\//, 'Safari'],
];

// iOS and Android before macOS and Linux, whose names they contain.
const SYSTEMS: [RegExp, string][] = [
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Android/, 'Android'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];
