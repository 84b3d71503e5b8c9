import { afterEach, expect, it } from 'vitest';
import { benchMariaDb, RSS_TARGET_MB } from '../../src/bench/mariadb.js';
import { describeMariaDb } from './mariadb-server.js';

describeMariaDb('bench mariadb', () => {
  const saved = process.env.MARIADBD;
  afterEach(() => {
    if (saved === undefined) delete process.env.MARIADBD;
    else process.env.MARIADBD = saved;
  });

  it('loads and streams the requested number of panelist rows and reports rate and peak RSS', async () => {
    const result = await benchMariaDb({ rows: 20_000 });
    expect(result).toMatchObject({ source: 'mariadb', rows: 20_000, rssTargetMb: RSS_TARGET_MB, withinTarget: 'yes' });
    expect(result.rowsPerSecond).toBeGreaterThan(0);
    expect(result.peakRssMb).toBeGreaterThanOrEqual(result.rssBeforeMb as number);
    expect(result.peakRssMb).toBeLessThanOrEqual(RSS_TARGET_MB);
  });

  it('reports skipped instead of failing when mariadbd is not installed', async () => {
    process.env.MARIADBD = '/nonexistent/mariadbd';
    expect(await benchMariaDb({ rows: 10 })).toEqual({ skipped: 'mariadb-server not installed' });
  });
});
