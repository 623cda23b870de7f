// The engine's entry point: what the shells (the CLI, the Electron main
// process, `npm start`) use besides the API contract. Everything else in
// engine/ is the engine's own business.
export { Engine, type InitOptions, type LiveOptions, type RecoverOptions } from './engine.js';
export { failureOf } from './errors.js';
export { defaultHome, homeFiles } from './home.js';
export { DEFAULT_SETTINGS } from './settings.js';
export { writeFileAtomic, writeNewFile } from './fsutil/atomic.js';
export { dropboxFromEnv, type DropboxCredentials, type OsTokenStore } from './remotes/open-cloud.js';
export { signInToDropbox } from './remotes/dropbox/auth.js';
export { dispatch } from './transport/dispatch.js';
export { defaultStaticDir, startBrowserServer } from './transport/server.js';
export { CONTENT_SECURITY_POLICY } from './transport/csp.js';
export { DEFAULT_RETENTION } from './backup/retention.js';
export { cryptoBackend } from '../crypto/index.js';
export { APP_VERSION } from './version.js';
