// Casevault's version: what `casevault --version` and the app's About say, and
// what a device record tells the other computers (engine/devices/records.ts).
export const APP_VERSION = '0.1.0';
