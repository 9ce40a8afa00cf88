/**
 * The Operator seam: one factory per operator, registered in `operators/registry.ts`.
 *
 * A factory compiles its parameter once (regex, Aho-Corasick automaton, CIDR list, ...) and returns a
 * `CompiledOperator` whose `test` runs per value. Values are byte strings (one char per byte, 0..255).
 * Factories throw `PortcullisError` with code `ERR_PORTCULLIS_RULE_OPERATOR` on a bad parameter.
 * Operators know nothing about macros: the engine expands `%{...}` before calling a factory.
 */
export interface OperatorCompileContext {
  /** Directory that relative data-file paths (@pmFromFile, @ipMatchFromFile) resolve against. */
  readonly baseDir?: string;
  /** Reads a data file; injected so that tests and bundles can supply files without disk access. */
  readonly readFile?: (path: string) => string;
}

export interface CompiledOperator {
  /**
   * Returns true when the operator matches `value` (before any negation, which the engine applies).
   * When `captures` is given (the rule has the `capture` action) the operator writes what it captured:
   * `captures[0]` the whole match, `captures[1..9]` groups; it sets `captures.length` accordingly.
   */
  test(value: string, captures?: string[]): boolean;
}

export type OperatorFactory = (param: string, ctx: OperatorCompileContext) => CompiledOperator;
