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

/**
 * A necessary condition for an operator to match, used by the engine to skip operators that provably
 * cannot match a value (an exact-safe prefilter: it may say "maybe" too often, never "no" wrongly).
 * The condition is a conjunction of clauses; a value can match only if every clause holds for it.
 */
export type PrefilterClause =
  /** At least one of the literals occurs in the value, compared ASCII-case-insensitively. [] = never. */
  | { readonly kind: 'literals'; readonly literals: readonly string[] }
  /**
   * A cheap test that returns true whenever the operator may match. It must give the same answer for
   * values that differ only in ASCII letter case (the engine may ask it about the untransformed value when
   * the rule's transformations only change case). `id` names it (clauses with one id are shared).
   */
  | { readonly kind: 'predicate'; readonly id: string; readonly test: (value: string) => boolean };

export interface OperatorPrefilter {
  readonly clauses: readonly PrefilterClause[];
}

export interface CompiledOperator {
  /**
   * Returns true when the operator matches `value` (before any negation, which the engine applies).
   * When `captures` is given (the rule has the `capture` action) the operator writes what it captured:
   * `captures[0]` the whole match, `captures[1..9]` groups; it sets `captures.length` accordingly.
   */
  test(value: string, captures?: string[]): boolean;
  /**
   * Optional: the operator's prefilter (see PrefilterClause), or null when there is none. Called once, when a
   * ruleset is compiled; must be exact-safe for `test` without negation.
   */
  prefilter?(): OperatorPrefilter | null;
}

export type OperatorFactory = (param: string, ctx: OperatorCompileContext) => CompiledOperator;
