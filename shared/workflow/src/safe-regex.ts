/**
 * Regular expressions run synchronously, so JSONata's timeout cannot stop a catastrophically
 * backtracking one (`/^(a+)+$/` on 30 characters blocks the process for many seconds). This
 * checks the pattern's star height: a repeated group that itself contains a repetition is
 * refused. It does not catch every slow pattern (ambiguous alternations such as `(a|a)*`).
 */
export function unsafeRegexReason(source: string): string | undefined {
  const stack: boolean[] = [false]; // per open group: does it contain a repetition?
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === '\\') {
      i = afterAtom(source, i + 2, stack);
    } else if (c === '[') {
      i = afterAtom(source, skipClass(source, i), stack);
    } else if (c === '(') {
      stack.push(false);
      i += 1;
    } else if (c === ')') {
      const inner = stack.length > 1 ? (stack.pop() as boolean) : false;
      const end = skipQuantifier(source, i + 1);
      const repeated = isRepeating(source.slice(i + 1, end));
      if (repeated && inner) return 'nested quantifiers can backtrack catastrophically';
      if (repeated || inner) stack[stack.length - 1] = true;
      i = end;
    } else {
      i = afterAtom(source, i + 1, stack);
    }
  }
  return undefined;
}

/** After an atom ending before `i`: note a repeating quantifier on it, return the next index. */
function afterAtom(source: string, i: number, stack: boolean[]): number {
  const end = skipQuantifier(source, i);
  if (isRepeating(source.slice(i, end))) stack[stack.length - 1] = true;
  return end;
}

function skipClass(source: string, start: number): number {
  let i = start + 1;
  if (source[i] === ']') i += 1;
  while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
  return i + 1;
}

function skipQuantifier(source: string, i: number): number {
  const m = /^(?:[*+?]|\{\d+(?:,\d*)?\})\??/.exec(source.slice(i));
  return m ? i + m[0].length : i;
}

function isRepeating(quantifier: string): boolean {
  if (quantifier === '') return false;
  if (quantifier.startsWith('*') || quantifier.startsWith('+')) return true;
  const m = /^\{(\d+)(,(\d*))?\}/.exec(quantifier);
  if (!m) return false; // '?'
  const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]);
  return max > 1;
}

/** RegExp for JSONata's `RegexEngine` option that refuses patterns flagged above. */
export class SafeRegExp extends RegExp {
  constructor(pattern: string | RegExp, flags?: string) {
    const source = typeof pattern === 'string' ? pattern : pattern.source;
    const reason = unsafeRegexReason(source);
    if (reason) throw new Error(`regular expression /${source}/ is not allowed: ${reason}`);
    super(pattern, flags);
  }
}
