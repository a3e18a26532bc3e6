/**
 * The Merkle tree against published test vectors (the RFC 6962/9162 vectors that Certificate
 * Transparency's transparency-dev/merkle tests use: leaf inputs, roots of sizes 0–8, inclusion
 * and consistency proofs), then exhaustively for every size up to 64: every inclusion and
 * consistency proof verifies, and one flipped bit, a wrong index or size, or a missing, extra
 * or swapped element makes it fail.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { consistencyProof, EMPTY_ROOT, inclusionProof, leafHash, leafListSource, nodeHash, rootOfLeaves } from './merkle.js';
import { rootFromInclusionProof, verifyConsistency, verifyInclusion } from './verify-proof.js';

const h = (s: string): Buffer => Buffer.from(s, 'hex');
const hex = (b: readonly Buffer[]): string[] => b.map((x) => x.toString('hex'));

const LEAF_INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(h);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
// (0-based leaf index, tree size, proof)
const INCLUSION: [number, number, string[]][] = [
  [0, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [5, 8, ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [1, 5, ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
  [0, 1, []],
];
const CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
  [6, 7, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
];

/** MTH straight from the RFC's recursive definition over the data (an independent reference). */
function referenceMth(data: readonly Buffer[]): Buffer {
  const sha = (...parts: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest();
  if (data.length === 0) return sha();
  if (data.length === 1) return sha(Buffer.from([0]), data[0]!);
  let k = 1;
  while (k * 2 < data.length) k *= 2;
  return sha(Buffer.from([1]), referenceMth(data.slice(0, k)), referenceMth(data.slice(k)));
}

function flipped(proof: readonly Buffer[], i: number, bit: number): Buffer[] {
  return proof.map((p, j) => {
    if (j !== i) return p;
    const c = Buffer.from(p);
    c[bit >> 3] = c[bit >> 3]! ^ (1 << (bit & 7));
    return c;
  });
}

const leaves = LEAF_INPUTS.map(leafHash);

describe('RFC 9162 Merkle tree: published test vectors', () => {
  it('roots of every size 0–8', () => {
    for (let n = 0; n <= 8; n++) expect(rootOfLeaves(leaves.slice(0, n)).toString('hex')).toBe(ROOTS[n]);
    expect(EMPTY_ROOT.toString('hex')).toBe(ROOTS[0]);
  });

  it('inclusion proofs: generated exactly and verified', () => {
    for (const [index, size, proof] of INCLUSION) {
      const src = leafListSource(leaves.slice(0, size));
      expect(hex(inclusionProof(src, index, size))).toEqual(proof);
      expect(verifyInclusion(index, size, leaves[index]!, proof.map(h), h(ROOTS[size]!))).toBe(true);
    }
  });

  it('consistency proofs: generated exactly and verified', () => {
    for (const [m, n, proof] of CONSISTENCY) {
      const src = leafListSource(leaves.slice(0, n));
      expect(hex(consistencyProof(src, m, n))).toEqual(proof);
      expect(verifyConsistency(m, n, h(ROOTS[m]!), h(ROOTS[n]!), proof.map(h))).toBe(true);
    }
  });

  it('edge cases of consistency: equal sizes, the empty tree, going back in time', () => {
    const r1 = h(ROOTS[1]!);
    const r2 = h(ROOTS[2]!);
    expect(verifyConsistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])).toBe(true);
    expect(verifyConsistency(0, 5, EMPTY_ROOT, r2, [])).toBe(true);
    expect(verifyConsistency(0, 5, r1, r2, [])).toBe(false);
    expect(verifyConsistency(1, 1, r1, r2, [])).toBe(false);
    expect(verifyConsistency(1, 1, r1, r1, [EMPTY_ROOT])).toBe(false);
    expect(verifyConsistency(2, 1, r2, r1, [])).toBe(false);
    expect(verifyConsistency(1, 2, r1, r2, [])).toBe(false);
  });

  it('edge cases of inclusion: index outside the tree, wrong-sized hashes', () => {
    expect(verifyInclusion(0, 0, leaves[0]!, [], EMPTY_ROOT)).toBe(false);
    expect(verifyInclusion(1, 1, leaves[0]!, [], leaves[0]!)).toBe(false);
    expect(verifyInclusion(0, 1, leaves[0]!, [], leaves[0]!)).toBe(true);
    expect(verifyInclusion(0, 1, Buffer.alloc(0), [], Buffer.alloc(0))).toBe(false);
    expect(verifyInclusion(0, 2, leaves[0]!, [Buffer.alloc(31)], h(ROOTS[2]!))).toBe(false);
  });
});

describe('RFC 9162 Merkle tree: every proof of every tree up to 64 leaves', () => {
  const data = Array.from({ length: 64 }, (_, i) => randomBytes(i % 7 === 0 ? 0 : 1 + (i * 13) % 40));
  const all = data.map(leafHash);

  it('the root matches the RFC definition computed from the data', () => {
    for (let n = 0; n <= 64; n++) expect(rootOfLeaves(all.slice(0, n)).equals(referenceMth(data.slice(0, n)))).toBe(true);
  });

  it('every inclusion proof verifies; a flipped bit, a wrong index or size, or a changed length fails', () => {
    let checked = 0;
    for (let n = 1; n <= 64; n++) {
      const src = leafListSource(all.slice(0, n));
      const root = rootOfLeaves(all.slice(0, n));
      for (let i = 0; i < n; i++) {
        const p = inclusionProof(src, i, n);
        expect(rootFromInclusionProof(i, n, all[i]!, p)?.equals(root)).toBe(true);
        for (let j = 0; j < p.length; j++) expect(verifyInclusion(i, n, all[i]!, flipped(p, j, (i * 31 + j * 7) % 256), root)).toBe(false);
        expect(verifyInclusion(i, n, flipped([all[i]!], 0, i % 256)[0]!, p, root)).toBe(false);
        expect(verifyInclusion(i, n, all[i]!, p, flipped([root], 0, n % 256)[0]!)).toBe(false);
        if (n > 1) expect(verifyInclusion((i + 1) % n, n, all[i]!, p, root)).toBe(false);
        // A size of the same shape around the path verifies the same hashes (the signed size
        // pins it); a size of another height must fail.
        expect(verifyInclusion(i, 2 * n, all[i]!, p, root)).toBe(false);
        expect(verifyInclusion(i, n, all[i]!, [...p, root], root)).toBe(false);
        if (p.length > 0) expect(verifyInclusion(i, n, all[i]!, p.slice(1), root)).toBe(false);
        checked++;
      }
    }
    expect(checked).toBe((64 * 65) / 2);
  });

  it('every consistency proof verifies; a flipped bit, swapped roots or a changed length fails', () => {
    let checked = 0;
    for (let n = 1; n <= 64; n++) {
      const src = leafListSource(all.slice(0, n));
      const rootN = rootOfLeaves(all.slice(0, n));
      for (let m = 0; m <= n; m++) {
        const rootM = rootOfLeaves(all.slice(0, m));
        const p = consistencyProof(src, m, n);
        expect(verifyConsistency(m, n, rootM, rootN, p)).toBe(true);
        checked++;
        if (m === 0 || m === n) continue;
        for (let j = 0; j < p.length; j++) expect(verifyConsistency(m, n, rootM, rootN, flipped(p, j, (m * 17 + j) % 256))).toBe(false);
        expect(verifyConsistency(m, n, rootN, rootM, p)).toBe(false);
        expect(verifyConsistency(m, n, rootM, rootN, p.slice(0, -1))).toBe(false);
        expect(verifyConsistency(m, n, rootM, rootN, [...p, rootN])).toBe(false);
        expect(verifyConsistency(m - 1, n, rootM, rootN, p)).toBe(false);
        expect(verifyConsistency(m, 2 * n, rootM, rootN, p)).toBe(false);
      }
    }
    expect(checked).toBe(Array.from({ length: 64 }, (_, k) => k + 2).reduce((a, b) => a + b, 0));
  });

  it('nodeHash is SHA-256(0x01 || left || right)', () => {
    const want = createHash('sha256').update(Buffer.concat([Buffer.from([1]), all[0]!, all[1]!])).digest();
    expect(nodeHash(all[0]!, all[1]!).equals(want)).toBe(true);
  });
});
