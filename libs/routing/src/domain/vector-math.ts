/** Dot product of a[aOff..aOff+n) and b[bOff..bOff+n); unrolled because it is the hot loop of every router. */
export function dot(
  a: ArrayLike<number>,
  aOff: number,
  b: ArrayLike<number>,
  bOff: number,
  n: number,
): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += (a[aOff + i] as number) * (b[bOff + i] as number);
    s1 += (a[aOff + i + 1] as number) * (b[bOff + i + 1] as number);
    s2 += (a[aOff + i + 2] as number) * (b[bOff + i + 2] as number);
    s3 += (a[aOff + i + 3] as number) * (b[bOff + i + 3] as number);
  }
  for (; i < n; i++) s0 += (a[aOff + i] as number) * (b[bOff + i] as number);
  return s0 + s1 + s2 + s3;
}

/** Copy of `v` scaled to unit L2 norm (a zero vector stays zero). */
export function unitCopy(v: ArrayLike<number>, offset = 0, n = v.length): Float32Array {
  const out = new Float32Array(n);
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const x = v[offset + i] as number;
    out[i] = x;
    norm += x * x;
  }
  if (norm > 0) {
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < n; i++) out[i] = (out[i] as number) * inv;
  }
  return out;
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

export function logit(p: number, eps = 0.01): number {
  const q = Math.min(1 - eps, Math.max(eps, p));
  return Math.log(q / (1 - q));
}

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/**
 * Solves (A) X = B for symmetric positive-definite A (n x n, row-major, overwritten by its Cholesky factor)
 * and m right-hand sides B (n x m, row-major, overwritten by X).
 */
export function choleskySolveInPlace(a: Float64Array, n: number, b: Float64Array, m: number): void {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j] as number;
    for (let k = 0; k < j; k++) d -= (a[j * n + k] as number) ** 2;
    if (!(d > 0)) throw new Error('matrix is not positive definite');
    const ljj = Math.sqrt(d);
    a[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j] as number;
      for (let k = 0; k < j; k++) s -= (a[i * n + k] as number) * (a[j * n + k] as number);
      a[i * n + j] = s / ljj;
    }
  }
  // Forward (L y = b) then backward (L^T x = y), column block by column block.
  for (let i = 0; i < n; i++) {
    const lii = a[i * n + i] as number;
    for (let c = 0; c < m; c++) {
      let s = b[i * m + c] as number;
      for (let k = 0; k < i; k++) s -= (a[i * n + k] as number) * (b[k * m + c] as number);
      b[i * m + c] = s / lii;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    const lii = a[i * n + i] as number;
    for (let c = 0; c < m; c++) {
      let s = b[i * m + c] as number;
      for (let k = i + 1; k < n; k++) s -= (a[k * n + i] as number) * (b[k * m + c] as number);
      b[i * m + c] = s / lii;
    }
  }
}
