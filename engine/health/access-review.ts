// The access-review area: the periodic check of who can open the vault
// (Settings: every N months, counted from the last review or from when the
// vault was made).
import type { HealthItem, Settings } from '../../contract/index.js';
import { accessReviewDueAt } from '../settings.js';
import { duration, fine, problem } from './item.js';

export function accessReviewHealth(settings: Settings, createdAt: string, now: number): HealthItem {
  const due = accessReviewDueAt(settings, createdAt).getTime();
  if (due <= now) return problem('access-review', 'reminder', 'the review of who can open this vault is due', 'review-access');
  return fine('access-review', `the next review of who can open this vault is due in ${duration(due - now)}`);
}
