/** A point in cost-versus-quality space (lower cost and higher quality are better). */
export interface ParetoPoint {
  name: string;
  cost: number;
  quality: number;
}

/** True when `b` is at least as cheap and as good as `a`, and strictly better in one of the two. */
export function dominates(b: ParetoPoint, a: ParetoPoint): boolean {
  return b.cost <= a.cost && b.quality >= a.quality && (b.cost < a.cost || b.quality > a.quality);
}

/**
 * The points no other point dominates, by cost ascending (then quality descending, then name).
 * Identical points are both kept: neither dominates the other.
 */
export function paretoFrontier<P extends ParetoPoint>(points: readonly P[]): P[] {
  return points
    .filter((p) => !points.some((q) => q !== p && dominates(q, p)))
    .sort(
      (a, b) => a.cost - b.cost || b.quality - a.quality || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    );
}
