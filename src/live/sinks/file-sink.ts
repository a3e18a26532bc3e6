/**
 * The file sink: one alert per line (NDJSON), appended. Each alert change is a new line, so
 * the file is a log of alert states; readers keep the last line per `alert_id`.
 */
import { appendFile } from 'node:fs/promises';
import type { Alert } from '../../model/index.js';
import type { Deliver } from './sink-queue.js';

/** Appends alerts to `path`. */
export function fileDeliver(path: string): Deliver {
  return (a: Alert) => appendFile(path, `${JSON.stringify(a)}\n`);
}
