import type { Logger } from '../logger.js';

export interface ServiceOptions {
  /** Folder for SQLite files, logs and pid files (created if missing). */
  dataDir: string;
  /**
   * Ports on 127.0.0.1. A port of 0 picks a free port. An omitted port picks a free port when
   * `freePorts` is true, and otherwise comes from GRADEPUSH_TEMPORAL_PORT,
   * GRADEPUSH_TEMPORAL_UI_PORT or GRADEPUSH_MONGO_PORT, or the default 7233, 8233 or 27017.
   */
  ports?: { temporal?: number; temporalUi?: number; mongo?: number };
  freePorts?: boolean;
  logger?: Logger;
}

export interface RunningServices {
  /** Temporal frontend gRPC address, such as "127.0.0.1:7233". */
  temporalAddress: string;
  /**
   * Temporal Web UI, such as "http://127.0.0.1:8233". Empty when Temporal comes from
   * TEMPORAL_ADDRESS, because the UI of an external server is unknown.
   */
  temporalUiUrl: string;
  /** MongoDB connection string, such as "mongodb://127.0.0.1:27017/". */
  mongoUri: string;
  /** Sends SIGTERM, waits, and sends SIGKILL after a timeout. Calling it again does nothing. */
  stop(): Promise<void>;
}

/** Service names used in logs, pid files and status output. */
export type ServiceName = 'temporal' | 'ferretdb';
