import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';

/**
 * The CLI's `main()` in this process (argv parsing, commander, exit-code mapping), with its output
 * captured and only the given variables set: cheaper than a child process for cases that end
 * before any network call.
 */
const CLEAN_ENV = ['OKTA_API_TOKEN', 'OKTA_API_TOKEN_FILE', 'OKTA_ORG_URL', 'EFS_OKTA_SHARE', 'EFS_OKTA_TOKEN_SHARE', 'EFS_OKTA_CONCURRENCY', 'EFS_OKTA_JOURNAL'];

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cliInProcess(args: string[], env: Record<string, string> = {}): Promise<InProcessResult> {
  const saved = Object.fromEntries(CLEAN_ENV.map((k) => [k, process.env[k]]));
  for (const k of CLEAN_ENV) delete process.env[k];
  Object.assign(process.env, env);
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    const code = await main(['node', 'efs-okta', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
    for (const k of CLEAN_ENV) delete process.env[k];
    for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
  }
}
