/**
 * A small, generic RSQL/FIQL parser for the emulators (a vendor's `filter`
 * parameter). It follows the grammar of the reference implementation
 * (jirutka/rsql-parser): comparisons `selector operator arguments`, joined
 * by `;` / ` and ` (AND) and `,` / ` or ` (OR), grouped with parentheses;
 * arguments are one value or a parenthesised list; a value is either an
 * unreserved string or a `"`/`'` quoted string in which `\` escapes the
 * next character. The parser accepts OR: refusing it is the vendor's
 * policy, not the grammar's, so the emulator decides.
 */

export type RsqlNode = RsqlComparison | RsqlLogical;

export interface RsqlComparison {
  kind: 'comparison';
  selector: string;
  /** FIQL form: `==`, `!=`, or `=name=` (`<`, `<=`, `>`, `>=` are normalised to `=lt=` … `=ge=`). */
  operator: string;
  values: string[];
  /** Whether the arguments were a parenthesised list. */
  list: boolean;
}

export interface RsqlLogical {
  kind: 'and' | 'or';
  children: RsqlNode[];
}

export class RsqlSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
    this.name = 'RsqlSyntaxError';
  }
}

const RESERVED = new Set(['"', "'", '(', ')', ';', ',', '=', '!', '~', '<', '>']);

function isUnreserved(char: string): boolean {
  return !RESERVED.has(char) && !/\s/.test(char);
}

const ALTERNATE_OPERATORS: Record<string, string> = { '<': '=lt=', '<=': '=le=', '>': '=gt=', '>=': '=ge=' };

export function parseRsql(input: string): RsqlNode {
  let pos = 0;

  const skipSpaces = (): void => {
    while (pos < input.length && /\s/.test(input[pos] as string)) pos += 1;
  };

  /** Reads a logical operator if one starts here (spaces allowed around `;` and `,`). */
  const logicalOperator = (): 'and' | 'or' | null => {
    const keyword = /^\s+(and|or)\s+/i.exec(input.slice(pos));
    if (keyword) {
      pos += keyword[0].length;
      return (keyword[1] as string).toLowerCase() as 'and' | 'or';
    }
    const save = pos;
    skipSpaces();
    const char = input[pos];
    if (char === ';') {
      pos += 1;
      return 'and';
    }
    if (char === ',') {
      pos += 1;
      return 'or';
    }
    pos = save;
    return null;
  };

  const unreserved = (what: string): string => {
    const start = pos;
    while (pos < input.length && isUnreserved(input[pos] as string)) pos += 1;
    if (pos === start) throw new RsqlSyntaxError(`expected ${what}`, start);
    return input.slice(start, pos);
  };

  const quoted = (): string => {
    const quote = input[pos] as string;
    const start = pos;
    pos += 1;
    let out = '';
    while (pos < input.length) {
      const char = input[pos] as string;
      if (char === '\\') {
        if (pos + 1 >= input.length) break;
        out += input[pos + 1];
        pos += 2;
        continue;
      }
      if (char === quote) {
        pos += 1;
        return out;
      }
      out += char;
      pos += 1;
    }
    throw new RsqlSyntaxError('unterminated quoted value', start);
  };

  const value = (): string => {
    const char = input[pos];
    if (char === '"' || char === "'") return quoted();
    return unreserved('a value');
  };

  const operator = (): string => {
    const rest = input.slice(pos);
    const fiql = /^(==|!=|=[a-zA-Z-]*=)/.exec(rest);
    if (fiql) {
      pos += (fiql[1] as string).length;
      return fiql[1] as string;
    }
    const alternate = /^(<=|>=|<|>)/.exec(rest);
    if (alternate) {
      pos += (alternate[1] as string).length;
      return ALTERNATE_OPERATORS[alternate[1] as string] as string;
    }
    throw new RsqlSyntaxError('expected a comparison operator', pos);
  };

  const comparison = (): RsqlComparison => {
    const selector = unreserved('a selector');
    const op = operator();
    if (input[pos] === '(') {
      pos += 1;
      const values: string[] = [];
      for (;;) {
        skipSpaces();
        values.push(value());
        skipSpaces();
        if (input[pos] === ',') {
          pos += 1;
          continue;
        }
        if (input[pos] === ')') {
          pos += 1;
          break;
        }
        throw new RsqlSyntaxError('expected "," or ")" in an argument list', pos);
      }
      return { kind: 'comparison', selector, operator: op, values, list: true };
    }
    return { kind: 'comparison', selector, operator: op, values: [value()], list: false };
  };

  const term = (): RsqlNode => {
    skipSpaces();
    if (input[pos] === '(') {
      pos += 1;
      const inner = orExpression();
      skipSpaces();
      if (input[pos] !== ')') throw new RsqlSyntaxError('expected ")"', pos);
      pos += 1;
      return inner;
    }
    return comparison();
  };

  const orExpression = (): RsqlNode => {
    const groups: RsqlNode[][] = [[term()]];
    for (;;) {
      const save = pos;
      const op = logicalOperator();
      if (op === null) break;
      if (pos >= input.length) {
        pos = save;
        break;
      }
      if (op === 'or') groups.push([term()]);
      else (groups[groups.length - 1] as RsqlNode[]).push(term());
    }
    const ands = groups.map((children): RsqlNode => (children.length === 1 ? (children[0] as RsqlNode) : { kind: 'and', children }));
    return ands.length === 1 ? (ands[0] as RsqlNode) : { kind: 'or', children: ands };
  };

  if (input.trim() === '') throw new RsqlSyntaxError('empty expression', 0);
  const tree = orExpression();
  skipSpaces();
  if (pos !== input.length) throw new RsqlSyntaxError('unexpected input', pos);
  return tree;
}

/** Every comparison in the tree, left to right. */
export function comparisonsOf(node: RsqlNode): RsqlComparison[] {
  return node.kind === 'comparison' ? [node] : node.children.flatMap(comparisonsOf);
}

/** Whether the tree uses OR anywhere. */
export function usesOr(node: RsqlNode): boolean {
  return node.kind === 'or' || (node.kind === 'and' && node.children.some(usesOr));
}
