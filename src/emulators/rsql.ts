import { isComparisonNode, isLogicNode, type ExpressionNode } from '@rsql/ast';
import { parse } from '@rsql/parser';

/**
 * A vendor's RSQL/FIQL `filter` parameter as the emulators read it, through @rsql/parser: a reading of the syntax
 * independent of the graph's own builder, so the conformance tests check one against the other. The parser accepts
 * OR: refusing it is the vendor's policy, not the grammar's, so the emulator decides.
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
  constructor(message: string) {
    super(message);
    this.name = 'RsqlSyntaxError';
  }
}

const ALTERNATE_OPERATORS: Record<string, string> = { '<': '=lt=', '<=': '=le=', '>': '=gt=', '>=': '=ge=' };

export function parseRsql(input: string): RsqlNode {
  let tree: ExpressionNode;
  try {
    tree = parse(input);
  } catch (error) {
    throw new RsqlSyntaxError(error instanceof Error ? error.message : String(error));
  }
  return fromAst(tree);
}

function fromAst(node: ExpressionNode): RsqlNode {
  if (isComparisonNode(node)) {
    const value = node.right.value;
    return {
      kind: 'comparison',
      selector: node.left.selector,
      operator: ALTERNATE_OPERATORS[node.operator] ?? node.operator,
      values: Array.isArray(value) ? [...value] : [value],
      list: Array.isArray(value),
    };
  }
  if (!isLogicNode(node)) throw new RsqlSyntaxError('unexpected expression');
  const kind = node.operator === ',' || node.operator.toLowerCase() === 'or' ? 'or' : 'and';
  // Flattened, as a reader sees `a;b;c`: one AND of three.
  const children = [node.left, node.right].map(fromAst).flatMap((child) => (child.kind === kind ? child.children : [child]));
  return { kind, children };
}

/** Every comparison in the tree, left to right. */
export function comparisonsOf(node: RsqlNode): RsqlComparison[] {
  return node.kind === 'comparison' ? [node] : node.children.flatMap(comparisonsOf);
}

/** Whether the tree uses OR anywhere. */
export function usesOr(node: RsqlNode): boolean {
  return node.kind === 'or' || (node.kind === 'and' && node.children.some(usesOr));
}
