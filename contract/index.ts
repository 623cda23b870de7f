// The one door to the API contract: what the renderer, the preload, the CLI
// and the engine agree on. Imports nothing but zod.
export * from './api.js';
export * from './audit.js';
export * from './backup.js';
export * from './dates.js';
export * from './devices.js';
export * from './errors.js';
export * from './escape.js';
export * from './health.js';
export * from './events.js';
export * from './housekeeping.js';
export * from './keys.js';
export * from './leaving.js';
export * from './lock.js';
export * from './mirror.js';
export * from './recovery-kit.js';
export * from './sar.js';
export * from './send.js';
export * from './settings.js';
export * from './words.js';
