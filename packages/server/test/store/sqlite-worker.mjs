// A better-sqlite3 connection in a thread of its own, serving the built sqliteStore's calls by message: the
// SQLite test's extra "instances", so their transactions really contend for the file's write lock.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { sqliteDedupeStore, sqliteStore } from '../../dist/store/sqlite.js';

const db = new Database(workerData.file);
db.pragma('busy_timeout = 30000');
const targets = { store: sqliteStore(db), dedupe: sqliteDedupeStore(db) };
parentPort.on('message', async ({ id, target, method, args }) => {
  try {
    parentPort.postMessage({ id, value: await targets[target][method](...args) });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error) });
  }
});
