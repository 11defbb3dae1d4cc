import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VC_EXAMPLES_V2_CONTEXT_BYTES } from './contexts.js';
import { checkRelatedResources } from './related-resources.js';

const V2 = 'https://www.w3.org/ns/credentials/v2';
const EXAMPLES = 'https://www.w3.org/ns/credentials/examples/v2';
/** VC 2.0 §B.1: "the hexadecimal encoded SHA2-256 digest value of the base context file". */
const V2_SHA256_HEX = '59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734';
const multihash256 = (hex: string) => 'u' + Buffer.concat([Buffer.from([0x12, 0x20]), Buffer.from(hex, 'hex')]).toString('base64url');

const fields = (value: unknown) => checkRelatedResources(value).issues.map((i) => i.field);

describe('checkRelatedResources', () => {
  it('checks the VC v2 context against the digest the Recommendation states, as a multihash', () => {
    expect(checkRelatedResources([{ id: V2, digestMultibase: multihash256(V2_SHA256_HEX) }])).toEqual({ issues: [], checked: [V2], unchecked: [] });
  });

  it('checks the examples context from its vendored bytes, as SRI and as multihash', () => {
    const sri = 'sha384-' + createHash('sha384').update(VC_EXAMPLES_V2_CONTEXT_BYTES).digest('base64');
    const hex = createHash('sha256').update(VC_EXAMPLES_V2_CONTEXT_BYTES).digest('hex');
    expect(checkRelatedResources({ id: EXAMPLES, digestSRI: sri, digestMultibase: multihash256(hex) }).checked).toEqual([EXAMPLES]);
  });

  it('matches the examples context digest the Recommendation prints (sha2-256 multihash)', () => {
    expect(checkRelatedResources({ id: EXAMPLES, digestMultibase: 'uEiBXOT-8adbvubm13Jy2uYgLCUQ2Cr_i6vRZyeWM8iedfA' }).issues).toEqual([]);
  });

  it('reports a digest that does not match a resource it holds', () => {
    const wrong = multihash256('00'.repeat(32));
    expect(checkRelatedResources([{ id: V2, digestMultibase: wrong }]).issues).toEqual([
      { field: 'relatedResource.0.digestMultibase', message: `does not match the digest of ${V2} as published` },
    ]);
    expect(fields([{ id: V2, digestSRI: 'sha384-' + Buffer.alloc(48).toString('base64') }])).toEqual(['relatedResource.0.digestSRI']);
  });

  it('names a resource it does not hold as unchecked, without failing it', () => {
    const report = checkRelatedResources({ id: 'https://university.example/logo.png', digestSRI: 'sha256-' + Buffer.alloc(32).toString('base64') });
    expect(report).toEqual({ issues: [], checked: [], unchecked: ['https://university.example/logo.png'] });
  });

  it.each<[string, unknown, string]>([
    ['a list of strings', [V2], 'relatedResource.0'],
    ['an empty list', [], 'relatedResource'],
    ['an entry without id', [{ digestSRI: 'sha256-' + Buffer.alloc(32).toString('base64') }], 'relatedResource.0.id'],
    ['an id that is no URL', [{ id: 'logo', digestSRI: 'sha256-' + Buffer.alloc(32).toString('base64') }], 'relatedResource.0.id'],
    ['an entry without digest', [{ id: V2 }], 'relatedResource.0'],
    ['a raw digest that is no multihash', [{ id: 'https://a.example', digestMultibase: 'u' + Buffer.alloc(32).toString('base64url') }], 'relatedResource.0.digestMultibase'],
    ['SRI in base64url', [{ id: 'https://a.example', digestSRI: 'sha384-_rCVIV7fSXXTNIvpiq26jRDyj8JG8TDjij-tD0ewLk4JpnXEz6a5AeeY_1qQ0d0P' }], 'relatedResource.0.digestSRI'],
    ['SRI of an unknown algorithm', [{ id: 'https://a.example', digestSRI: 'md5-' + Buffer.alloc(16).toString('base64') }], 'relatedResource.0.digestSRI'],
  ])('reports %s', (_what, value, field) => {
    expect(fields(value)).toContain(field);
  });

  it('reports an id listed twice', () => {
    const digestSRI = 'sha256-' + Buffer.alloc(32).toString('base64');
    expect(fields([{ id: 'https://a.example', digestSRI }, { id: 'https://a.example', digestSRI }])).toEqual(['relatedResource.1.id']);
  });
});
