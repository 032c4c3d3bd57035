import { describe, expect, it } from 'vitest';
import { charLength } from './text-length.js';

describe('charLength', () => {
  it('counts code points as Array.from does, lone surrogates included', () => {
    const samples = ['', 'abc', 'é', '日本語', '😀', 'a😀b', '\ud83d', '\ude00', '\ude00\ud83d',
      '\ud83d\ud83d\ude00', 'x'.repeat(120), '😀'.repeat(7)];
    for (const s of samples) expect(charLength(s)).toBe(Array.from(s).length);
  });
});
