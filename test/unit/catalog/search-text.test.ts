/**
 * Accent-insensitive search text (PGlite has no `unaccent`).
 */
import assert from 'node:assert/strict';
import { escapeLike, normalizeSearch } from '../../../services/catalog/domain/search-text.ts';

describe('catalog search text', () => {
  const cases: [string, string][] = [
    ['Café Orgânico', 'cafe organico'],
    ['AÇAÍ', 'acai'],
    ['  Pão   de\tQueijo ', 'pao de queijo'],
    ['Cachaça', 'cachaca'],
    ['ÀÉÎÕÜ ñ', 'aeiou n'],
    ['SKU-123_x', 'sku-123_x'],
  ];
  for (const [input, expected] of cases) {
    it(`normalizes ${JSON.stringify(input)} to ${JSON.stringify(expected)}`, () => {
      assert.equal(normalizeSearch(input), expected);
    });
  }

  it('escapes LIKE wildcards and the escape character', () => {
    assert.equal(escapeLike('50%_off\\'), '50\\%\\_off\\\\');
  });
});
