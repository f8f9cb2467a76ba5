/**
 * Stands in for `react-relay`'s `graphql` tag: relay-compiler only reads the
 * tagged templates of the files beside this one, and nothing here runs them.
 */
export function graphql(strings: TemplateStringsArray): string {
  return strings.join('');
}
