// The person's choices on this computer, as the app's Settings screen and
// the API validate them. Nothing in them is secret.
import { z } from 'zod';
import { retentionSchema, type RetentionPolicy } from './backup.js';

/** What a person may change (each field on its own). */
export const settingsUpdateSchema = z
  .object({
    /** Lock after this many idle minutes; 0 = only on sleep, screen lock and quit. */
    autoLockMinutes: z
      .number()
      .int()
      .min(0)
      .max(24 * 60),
    /** A backup this many hours after the last one. */
    backupEveryHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 31),
    /** Warn when no backup has succeeded for this many days. */
    backupWarnAfterDays: z.number().int().min(1).max(90),
    retention: retentionSchema,
    /** Remind to review who has access this many months after the last review. */
    accessReviewMonths: z.number().int().min(1).max(24),
    /** The desktop app starts (in the tray) when the person logs in to the computer. */
    startAtLogin: z.boolean(),
  })
  .strict()
  .partial();
export type SettingsUpdate = z.infer<typeof settingsUpdateSchema>;

export interface Settings {
  autoLockMinutes: number;
  backupEveryHours: number;
  backupWarnAfterDays: number;
  retention: RetentionPolicy;
  accessReviewMonths: number;
  startAtLogin: boolean;
  /** When an access review was last recorded (ISO time), if ever. */
  lastAccessReview: string | null;
}
