import { EventEmitter } from 'node:events';
import type { RecordState } from './lifecycle/record.js';
import type { Kind } from './types.js';

/**
 * Typed events the core emits. Progress bars, NDJSON logs, reports and the dashboard subscribe;
 * the core never imports a terminal or an HTTP server. Payloads carry no secrets and, for users,
 * no names: the login appears only where an operator needs it (failures), never a password or token.
 */
export interface CoreEvents {
  'run:started': { phase: string; installation: string; total: number; at: number };
  'run:finished': { phase: string; installation: string; at: number; counts: Record<string, number>; interrupted: boolean };
  /** A command's journal run record opened (commands/run-command.ts): `runId` is the `runs` row. */
  'command:started': { command: string; phase: string; runId: number; at: number };
  /** A command's run record closed, with the outcome written to it and the exit code it maps to. */
  'command:finished': { command: string; phase: string; runId: number; at: number; outcome: 'done' | 'interrupted' | 'error'; exitCode: number };
  'record:state': { kind: Kind; key: string; from: RecordState | null; to: RecordState; reason: string | null };
  'user:created': { kind: Kind; key: string; oktaId: string; adopted: boolean };
  'user:linked': { kind: Kind; key: string; oktaId: string };
  'user:conflict': { kind: Kind; key: string; login: string };
  'user:updated': { kind: Kind; key: string; oktaId: string; fields: string[] };
  'user:activated': { kind: Kind; key: string; oktaId: string; email: boolean };
  'user:failed': { kind: Kind; key: string; code: string; message: string; attempts: number };
  'portal:registered': { key: string; appId: string; clientId: string; created: boolean };
  'portal:failed': { key: string; code: string; message: string };
  'request:sent': { bucket: string; method: string; path: string };
  'request:done': { bucket: string; method: string; path: string; status: number; ms: number };
  'rate:learned': { bucket: string; limit: number; remaining: number; resetAt: number; share: number };
  'rate:limited': { bucket: string; kind: 'rate' | 'concurrency'; waitMs: number };
  'request:retry': { bucket: string; status: number | null; errorCode: string | null; attempt: number; waitMs: number };
  'progress': { phase: string; done: number; total: number; ratePerMinute: number; rateLimited: number; etaMs: number | null };
  'warning': { code: string; message: string };
}

export type CoreEventName = keyof CoreEvents;

export class CoreEmitter {
  private readonly inner = new EventEmitter();

  constructor() {
    this.inner.setMaxListeners(50);
  }

  emit<E extends CoreEventName>(event: E, payload: CoreEvents[E]): void {
    this.inner.emit(event, payload);
  }

  on<E extends CoreEventName>(event: E, listener: (payload: CoreEvents[E]) => void): () => void {
    this.inner.on(event, listener);
    return () => this.inner.off(event, listener);
  }

  /** Subscribes to every event (for NDJSON logs and the dashboard). */
  onAny(listener: <E extends CoreEventName>(event: E, payload: CoreEvents[E]) => void): () => void {
    const names: CoreEventName[] = [
      'run:started', 'run:finished', 'command:started', 'command:finished', 'record:state', 'user:created', 'user:linked', 'user:conflict',
      'user:updated', 'user:activated', 'user:failed', 'portal:registered', 'portal:failed',
      'request:sent', 'request:done', 'rate:learned', 'rate:limited', 'request:retry', 'progress', 'warning',
    ];
    const offs = names.map((n) => this.on(n, (p) => listener(n, p as CoreEvents[typeof n])));
    return () => offs.forEach((off) => off());
  }
}
