/**
 * The Transform seam: one pure function per transformation, in the table of `transforms/registry.ts`.
 * Input and output are byte strings (one char per byte, 0..255). A transform returns the very same
 * string when it changes nothing, so callers can cheaply tell whether a step did work (multiMatch).
 * Transforms never throw and run in time linear in their input.
 */
export type TransformFn = (input: string) => string;
