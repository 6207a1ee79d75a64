/**
 * Scores the WAF against the OWASP CRS regression corpus (development half, request side) and the
 * generated benign shop traffic. Detection per family is asserted against floors a little below
 * what the engine reaches, so a regression fails while the figures stay visible in the output.
 * Detection counts a case as caught when the WAF blocks it (whichever rule fired).
 */
import assert from 'node:assert/strict';
import { createWaf, parseWafPolicy, type Waf } from '../../../services/gateway/waf/index.ts';
import { benignRequest, crsRequest, loadBenignCases, loadCrsCases, scoredAttacks, type CrsCase } from './waf-cases.ts';

const FAMILIES = ['sqli', 'xss', 'rce', 'lfi', 'rfi'] as const;
// Floors (%) per family at paranoia 1 (on level-1 cases) and paranoia 2 (on level 1–2 cases).
const FLOORS: Record<1 | 2, Record<(typeof FAMILIES)[number], number>> = {
  1: { sqli: 95, xss: 97, rce: 97, lfi: 95, rfi: 90 },
  2: { sqli: 96, xss: 97, rce: 97, lfi: 95, rfi: 95 },
};
const MAX_FALSE_POSITIVE_PERCENT = 1;

function detection(waf: Waf, cases: readonly CrsCase[]): Map<string, { caught: number; total: number }> {
  const out = new Map<string, { caught: number; total: number }>();
  for (const c of cases) {
    const s = out.get(c.family) ?? { caught: 0, total: 0 };
    s.total++;
    if (waf.inspect(crsRequest(c)).action === 'block') s.caught++;
    out.set(c.family, s);
  }
  return out;
}

const pct = (n: number, d: number): number => (d === 0 ? 100 : (100 * n) / d);

describe('WAF against the CRS corpus and benign shop traffic', () => {
  const attacks = scoredAttacks(loadCrsCases());

  for (const level of [1, 2] as const) {
    it(`detects attack classes at paranoia ${level}`, () => {
      // GIVEN the WAF at this paranoia level and the cases of rules at or below it
      const waf = createWaf(parseWafPolicy({ paranoia: level, mode: 'block' }));
      const cases = attacks.filter((c) => (c.paranoia_level ?? 1) <= level);
      // WHEN every case is inspected
      const stats = detection(waf, cases);
      // THEN each family stays above its floor
      const rows = [...stats].map(([family, s]) => `${family.padEnd(9)} ${s.caught}/${s.total} = ${pct(s.caught, s.total).toFixed(1)}%`);
      console.log(`      CRS detection, paranoia ${level}:\n        ${rows.join('\n        ')}`);
      for (const family of FAMILIES) {
        const s = stats.get(family);
        assert.ok(s && s.total > 0, `no ${family} cases in the corpus`);
        assert.ok(pct(s.caught, s.total) >= FLOORS[level][family],
          `${family} detection ${pct(s.caught, s.total).toFixed(1)}% fell below ${FLOORS[level][family]}% at paranoia ${level}`);
      }
    });
  }

  for (const level of [1, 2] as const) {
    it(`lets benign shop traffic through at paranoia ${level} (false positives ≤ ${MAX_FALSE_POSITIVE_PERCENT}%)`, () => {
      const benign = loadBenignCases();
      assert.ok(benign.length >= 2000, `benign set has ${benign.length} requests, need ≥ 2000`);
      const waf = createWaf(parseWafPolicy({ paranoia: level, mode: 'block', ownHosts: ['empresa.com.br'] }));
      const blocked = benign.filter((c) => waf.inspect(benignRequest(c)).action !== 'allow');
      const rate = pct(blocked.length, benign.length);
      console.log(`      benign false positives, paranoia ${level}: ${blocked.length}/${benign.length} = ${rate.toFixed(2)}%`);
      assert.ok(rate <= MAX_FALSE_POSITIVE_PERCENT, `false-positive rate ${rate.toFixed(2)}% above ${MAX_FALSE_POSITIVE_PERCENT}%`);
    });
  }
});
