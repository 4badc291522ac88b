import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { NODE_WITH_TSX, ROOT } from './support/processes.js';

// bench/simulate.ts, the capacity plan's model (docs/scaling.md), run as `pnpm simulate` runs it.
function run(...args: string[]) {
  const [node, ...flags] = NODE_WITH_TSX;
  return execFileSync(node, [...flags, 'bench/simulate.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
}
const simulate = (...args: string[]) => JSON.parse(run('--json', ...args)) as { loads: Array<Record<string, any>> };

// No database is involved: the PGlite project's run is enough.
describe.runIf(inject('databaseKind') === 'pglite')('pnpm simulate', () => {
  it('scales linearly with members when costs do not grow with the data, and more than linearly when they do', () => {
    const [one] = simulate('--members', '1000000', '--flat').loads;
    const [two] = simulate('--members', '2000000', '--flat').loads;
    for (const measure of ['requestsPerDay', 'peakRps', 'apiCores', 'postgresReplicaCores', 'iops', 'storageGrowthGBPerDay', 'sockets']) {
      expect(two![measure] / one![measure], measure).toBeCloseTo(2, 9);
    }
    const [grown] = simulate('--members', '2000000').loads;
    expect(grown!.peakRps).toBeCloseTo(two!.peakRps, 9);
    expect(grown!.postgresReplicaCores).toBeGreaterThan(two!.postgresReplicaCores);
    expect(grown!.operations.peopleSearch.postgresCpuMs).toBeGreaterThan(two!.operations.peopleSearch.postgresCpuMs);
    expect(grown!.operations.feed.postgresCpuMs).toBe(two!.operations.feed.postgresCpuMs);
  }, 30_000);

  it("keeps the plan's figures consistent with each other", () => {
    const { loads } = simulate('--plan');
    expect(loads.map((load) => load.members)).toEqual([100_000, 1_000_000, 10_000_000, 100_000_000]);
    for (const load of loads) {
      expect(load.averageRps).toBeCloseTo(load.requestsPerDay / 86_400, 6);
      // The day's busiest minute is above its mean, by the hourly curve and the minute's burst.
      expect(load.peakToAverage).toBeGreaterThan(1.5);
      expect(load.peakToAverage).toBeLessThan(3);
      const byOperation = Object.values(load.operations as Record<string, { peakRps: number }>).reduce((sum, op) => sum + op.peakRps, 0);
      expect(byOperation).toBeCloseTo(load.peakRps, 6);
      // Enough processes for the peak at the target utilisation, and never fewer than two.
      expect(load.apiProcesses).toBeGreaterThanOrEqual(Math.max(2, load.apiCores / 0.6));
      expect(load.databaseGBAfterAYear).toBeGreaterThan(365 * load.storageGrowthGBPerDay);
    }
    // Halving the share of a core each one may use doubles the processes needed at the largest size.
    const [relaxed] = simulate('--members', '100000000', '--utilization', '0.3').loads;
    expect(relaxed!.apiProcesses).toBeGreaterThanOrEqual(2 * loads[3]!.apiProcesses - 1);
  }, 30_000);

  it("docs/scaling.md shows the model's current output", () => {
    const plan = readFileSync(join(ROOT, 'docs/scaling.md'), 'utf8');
    // Re-run `pnpm simulate -- --plan` and `-- --members 100000000` and paste their tables when costs or assumptions change.
    expect(plan).toContain(run('--plan').trim());
    const byOperation = run('--members', '100000000').split('At the busiest minute, by operation:')[1]?.trim();
    expect(byOperation).toBeTruthy();
    expect(plan).toContain(byOperation);
  }, 30_000);
});
