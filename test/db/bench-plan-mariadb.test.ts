import { expect, it } from 'vitest';
import { benchPlanMariaDb } from '../../src/bench/plan-mariadb.js';
import { describeMariaDb } from './mariadb-server.js';

describeMariaDb('bench plan-mariadb', () => {
  it('plans every loaded panelist row through a type: database config and reports rate, preflight time and peak RSS', async () => {
    const result = await benchPlanMariaDb(5_000);
    // The loader's pstatus is IF(seq % 10 < 8, 0, seq % 4): 0 is active, the only status the config includes.
    let active = 0;
    for (let seq = 1; seq <= 5_000; seq++) if (seq % 10 < 8 || seq % 4 === 0) active++;
    expect(result).toMatchObject({ source: 'mariadb', rows: 5_000, toCreate: active, 'target: peak RSS ≤ 300 MB': 'met' });
    expect(result.rowsPerSecond).toBeGreaterThan(0);
    expect(result.preflightMs).toBeGreaterThanOrEqual(0);
    expect(result.peakRssMb).toBeGreaterThan(0);
  }, 120_000);
});
