/**
 * Cuts a value longer than the per-value inspection cap (`limits.maxValueLength`). The cut backs off by up
 * to two chars so it never splits a `%XX` escape: a body cut inside an escape would otherwise look like
 * invalid URL encoding (a false finding made by the cap, not by the client).
 */
export function cutForInspection(value: string, max: number): string {
  let end = max;
  if (end >= 1 && value.charCodeAt(end - 1) === 0x25) end -= 1;
  else if (end >= 2 && value.charCodeAt(end - 2) === 0x25) end -= 2;
  return value.slice(0, end);
}
