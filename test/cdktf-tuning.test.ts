import { App, Fn, TerraformOutput, TerraformStack, Token } from 'cdktf';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { resolvePlainData, stableStringify } from '../cdktf-tuning';

// The fast paths replace pieces of cdktf 0.21.0; each is checked against the piece it replaces.
/* eslint-disable @typescript-eslint/no-require-imports */
const jsonStableStringify = require(require.resolve('json-stable-stringify', { paths: [require.resolve('cdktf/package.json')] })) as (v: unknown, o: { space: number }) => string;
/* eslint-enable @typescript-eslint/no-require-imports */

describe('stableStringify writes what json-stable-stringify (cdktf 0.21.0 stack and manifest writer) writes', () => {
  const samples: unknown[] = [
    { b: 1, a: { d: [1, 'x', null, { z: true, y: false }], c: {} }, e: [], f: undefined, g: [undefined, 2] },
    { 'z-key': 'é ünïcode \u2028', A: 'upper first', _: { '10': 1, '9': 2, a: [[[]]] } },
    [{}, [], '', 0, -0.5, 1e21, { toJSON: () => ({ y: 1, x: 2 }) }],
    'plain',
    { nested: { deeper: { deepest: [{ k: 'v' }, { k: null }] } } },
    { a: [[], [{}], { b: [] }], c: { d: {} }, e: [undefined, () => 1], f: () => 1 },
    { marker: '\u0000org-guard-empty-O\u0000', list: [{}] },
    {},
    [],
  ];
  test.each(samples.map((s, i) => [i, s]))('sample %i', (_i, sample) => {
    expect(stableStringify(sample)).toBe(jsonStableStringify(sample, { space: 2 }));
  });

  test('a cycle is refused, as json-stable-stringify refuses it', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => stableStringify(cyclic)).toThrow('Converting circular structure to JSON');
  });
});

describe('resolvePlainData resolves as cdktf resolve does', () => {
  // test/cdktf-tuned.ts tuned the cdktf of this suite: cdktf's own resolve is kept behind the fast path.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const tuned = (require('cdktf/lib/tokens/private/resolve') as { resolve: ((obj: unknown, options: object) => unknown) & { cdktfResolve: (obj: unknown, options: object) => unknown } }).resolve;
  const { DefaultTokenResolver, StringConcat } = require('cdktf/lib/tokens/resolvable');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const scope = () => {
    const stack = new TerraformStack(new App(), 'a');
    return { stack, topic: new SnsTopic(stack, 'topic', { name: 'n', tags: { a: 'b' } }) };
  };
  const options = (stack: TerraformStack) => ({ scope: stack, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) });

  test('plain data never reaches cdktf\'s resolver, and comes back as cdktf returns it', () => {
    const { stack } = scope();
    const calls: unknown[] = [];
    const fast = resolvePlainData((obj, o) => (calls.push(obj), tuned.cdktfResolve(obj, o)));
    const plain = { a: ['x', 1, true, null, undefined, { b: 'y' }], c: undefined, d: 1.5, e: { f: [[]] } };
    expect(fast(plain, options(stack))).toEqual(tuned.cdktfResolve(plain, options(stack)));
    expect(calls).toEqual([]);
  });

  test('tokens anywhere in the data resolve to what cdktf resolves them to', () => {
    const { stack, topic } = scope();
    const data = {
      arn: topic.arn,
      list: [topic.arn, 'x', Token.asNumber(topic.id)],
      joined: Fn.join('-', [topic.name, 'x']),
      policy: Fn.jsonencode({ Statement: [{ Resource: topic.arn, Count: 3 }] }),
      lookup: Fn.lookup(topic.tagsAll, 'a', 'none'),
      number: Token.asNumber(Fn.lengthOf(topic.tagsAll)),
      concatenated: `pre-${topic.arn}-post`,
      nested: { deeper: [{ ref: topic.id, plain: 'p' }] },
      list_token: Token.asList(topic.tagsAll),
    };
    const fast = resolvePlainData(tuned.cdktfResolve);
    expect(fast(data, options(stack))).toEqual(tuned.cdktfResolve(data, options(stack)));
    expect(fast(data, options(stack))).toMatchObject({ arn: '${aws_sns_topic.topic.arn}', concatenated: 'pre-${aws_sns_topic.topic.arn}-post' });
  });

  test('a string that is exactly one reference or one depends_on entry skips cdktf\'s resolver and comes out as cdktf resolves it', () => {
    const { stack, topic } = scope();
    const other = new SnsTopic(stack, 'other', { name: 'o', dependsOn: [topic] });
    const data = { arn: topic.arn, id: topic.id, dependsOn: other.dependsOn, nested: [{ name: topic.name }] };
    const calls: unknown[] = [];
    const fast = resolvePlainData((obj, o) => (calls.push(obj), tuned.cdktfResolve(obj, o)));
    const resolved = fast(data, options(stack));
    expect(calls).toEqual([]);
    expect(resolved).toEqual(tuned.cdktfResolve(data, options(stack)));
    expect(resolved).toEqual({ arn: '${aws_sns_topic.topic.arn}', id: '${aws_sns_topic.topic.id}', dependsOn: ['aws_sns_topic.topic'], nested: [{ name: '${aws_sns_topic.topic.name}' }] });
    // inside an expression cdktf resolves with its own context (braces suppressed): still cdktf's answer
    const inside = { joined: Fn.join('-', [topic.arn, 'x']) };
    expect(fast(inside, options(stack))).toEqual(tuned.cdktfResolve(inside, options(stack)));
  });

  test('with another resolver than cdktf\'s default, out of a stack, or past cdktf\'s depth limit, reference strings still go to cdktf', () => {
    const { stack, topic } = scope();
    const fast = resolvePlainData(tuned.cdktfResolve);
    // a resolver of one's own sees every token (cdktf's Tokenization.resolve takes any ITokenResolver)
    class Substituting extends DefaultTokenResolver {
      constructor(concat: unknown) {
        super(concat);
      }

      resolveToken() {
        return 'SUBSTITUTED';
      }
    }
    expect(fast({ arn: topic.arn }, { ...options(stack), resolver: new Substituting(new StringConcat()) })).toEqual({ arn: 'SUBSTITUTED' });
    // resolved with the App as scope: cdktf's own error, in cdktf's words
    const app = stack.node.scope!;
    const cdktfError = (() => { try { tuned.cdktfResolve(topic.arn, { ...options(stack), scope: app }); } catch (e) { return (e as Error).message; } return 'no error'; })();
    expect(() => fast(topic.arn, { ...options(stack), scope: app })).toThrow(cdktfError);
    expect(cdktfError).toMatch(/^Resolution error: /);
    // 201 levels of plain objects: cdktf's circular-reference refusal, not a resolved reference
    let deep: unknown = topic.arn;
    for (let i = 0; i < 201; i++) deep = { d: deep };
    expect(() => fast(deep, options(stack))).toThrow(/circular reference/);
  });

  test('what cdktf rejects is still rejected by cdktf, with its message', () => {
    const { stack } = scope();
    const fast = resolvePlainData(tuned.cdktfResolve);
    expect(() => fast({ f: () => 1 }, options(stack))).toThrow(/function/i);
    expect(() => fast({ construct: stack }, options(stack))).toThrow();
  });
});

test('a reference from one stack to another fails the synth by name (org-guard derives such names from the config)', () => {
  const app = new App();
  const source = new TerraformStack(app, 'source');
  const topic = new SnsTopic(source, 'topic', { name: 'n' });
  const user = new TerraformStack(app, 'user');
  new TerraformOutput(user, 'leak', { value: topic.arn });
  expect(() => user.toTerraform()).toThrow(/user refers to aws_sns_topic\.topic\.arn of stack source: org-guard stacks do not reference each other's resources/);
});
