// Worker thread for scan.ts's `aside`: walks the vault and sends the result
// back packed (one string and one buffer, whatever the number of files).
import { parentPort, workerData } from 'node:worker_threads';
import { walkPacked } from './scan.js';

const packed = await walkPacked((workerData as { root: string }).root);
parentPort!.postMessage(packed, [packed.numbers.buffer as ArrayBuffer]);
