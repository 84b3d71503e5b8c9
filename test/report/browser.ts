import { accessSync, constants, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';

/**
 * Debian's chromium driven by playwright-core (no browser download): headless, no sandbox (CI runs
 * as root), no background networking, a fresh profile each time. npm test's pretest installs chromium;
 * without it every browser test fails with the command that installs it.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts');

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export const CHROMIUM_MISSING = `${CHROMIUM} is not installed: run npm test as root (its pretest installs it) or ` +
  'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium';

export async function launchBrowser(executable = CHROMIUM): Promise<Browser> {
  try {
    accessSync(executable, constants.X_OK);
  } catch {
    throw new Error(CHROMIUM_MISSING.replace(CHROMIUM, executable));
  }
  const profile = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: executable,
    headless: true,
    viewport: { width: 1180, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Where a test screenshot goes: test-artifacts/ (gitignored). With EFS_OKTA_UPDATE_DOCS_IMG=1 it is
 * also copied to docs/img/ for the README.
 */
export function artifact(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

export function publishScreenshot(file: string): void {
  if (process.env.EFS_OKTA_UPDATE_DOCS_IMG !== '1') return;
  mkdirSync(path.join(ROOT, 'docs', 'img'), { recursive: true });
  copyFileSync(file, path.join(ROOT, 'docs', 'img', path.basename(file)));
}

/**
 * The little of the DOM that page.evaluate callbacks use (the project compiles without lib "dom").
 * Test files declare `declare const document: DomDocument;` locally: the callback runs in the page.
 */
export interface DomElement {
  textContent: string | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { width: number; height: number };
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement> & Iterable<DomElement>;
}
export interface DomDocument extends DomElement {
  body: DomElement;
}
