// Dates as a person reads them: in the computer's locale (the engine works it
// out from the environment, localeFromEnv, and tells the app), with the
// month as a word so that 5/12 and 12/5 are never confused, and never a raw
// UTC ISO time. Machine output (--json, manifests, the audit trail's
// exports) stays ISO. Shared by the CLI's human output and the app.

/** When the computer names no locale (unset, C or POSIX): day, month's name, year and a 24-hour clock. */
export const FALLBACK_LOCALE = 'en-GB';

/** "en_GB.UTF-8" -> "en-GB"; undefined for C, POSIX, an empty value or one Intl does not know. */
function posixLocale(value: string | undefined): string | undefined {
  const tag = value?.split(/[.@]/)[0]?.replace(/_/g, '-');
  if (!tag || tag === 'C' || tag === 'POSIX') return undefined;
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([tag])[0];
  } catch {
    return undefined; // not a well-formed language tag
  }
}

/**
 * The computer's locale for dates: LC_ALL, then LC_TIME, then LANG (the
 * first one set decides, as POSIX has it); where none is set, the locale the
 * runtime reads from the operating system (`osDefault`: Windows and macOS
 * keep it there), except on Linux, where nothing set means nothing chosen.
 */
export function localeFromEnv(env: Record<string, string | undefined>, osDefault?: string): string {
  const first = [env.LC_ALL, env.LC_TIME, env.LANG].find((v) => v !== undefined && v !== '');
  if (first !== undefined) return posixLocale(first) ?? FALLBACK_LOCALE;
  return posixLocale(osDefault) ?? FALLBACK_LOCALE;
}

const formats = new Map<string, Intl.DateTimeFormat>();
function format(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = formats.get(key);
  if (!f) formats.set(key, (f = new Intl.DateTimeFormat(locale, options)));
  return f;
}

/** "5 Dec 2026, 14:03" (en-GB), "Dec 5, 2026, 2:03 PM" (en-US), "05.12.2026, 14:03" (de-DE). */
export function dateTimeText(at: string | number | Date, locale: string): string {
  return format(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(at));
}

/** The same to the second: two events in one minute read apart. */
export function dateTimeSecondsText(at: string | number | Date, locale: string): string {
  return format(locale, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(at));
}

/** "5 Dec 2026": the day of an instant, in the computer's time zone. */
export function dayText(at: string | number | Date, locale: string): string {
  return format(locale, { dateStyle: 'medium' }).format(new Date(at));
}

/** A calendar day ("2026-12-05", a day rather than an instant: housekeeping's dates) as "5 Dec 2026". */
export function calendarDayText(day: string, locale: string): string {
  return format(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
}

/** The day for a file name a person reads ("added 5 Dec 2026"): no character a file system refuses. */
export function fileNameDay(at: string | number | Date, locale: string): string {
  return dayText(at, locale).replace(/[/\\:*?"<>|]/g, '-');
}
